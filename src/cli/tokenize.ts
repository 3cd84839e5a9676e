import { resolve } from 'node:path';
import { defineCommand } from './command.js';
import { fail } from '../diagnostics/index.js';
import { loadTokenizer } from '../tokenizer/index.js';

const USAGE = `usage: tune tokenize --model DIR [--no-special] [--format text|json] TEXT

Prints the token ids and token strings of TEXT as the model's tokenizer produces them
(BOS/EOS as transformers adds them unless --no-special). Reads TEXT from stdin when it is "-".`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** `tune tokenize`: what users reach for when a template or special token looks wrong. */
export const command = defineCommand({
  name: 'tokenize',
  summary: 'print the token ids and tokens of a text',
  usage: USAGE,
  options: { model: { type: 'string', short: 'm' }, format: { type: 'string', default: 'text' }, 'no-special': { type: 'boolean', default: false } },
  async run({ values, positionals }, io) {
    if (!values.model) fail('CLI_USAGE', '--model DIR is required', { hint: USAGE });
    if (values.format !== 'text' && values.format !== 'json') {
      fail('CLI_USAGE', `--format must be text or json`, { found: String(values.format), hint: USAGE });
    }
    if (positionals.length !== 1) fail('CLI_USAGE', 'give exactly one TEXT argument (quote it, or "-" for stdin)', { hint: USAGE });
    const text = positionals[0] === '-' ? await readStdin() : (positionals[0] ?? '');
    const tok = await loadTokenizer(resolve(io.cwd, values.model));
    const ids = tok.encode(text, { addSpecialTokens: !values['no-special'] });
    const tokens = ids.map((i) => tok.idToToken(i) ?? '');
    if (values.format === 'json') {
      io.stdout.write(`${JSON.stringify({ ids, tokens, count: ids.length })}\n`);
      return 0;
    }
    const width = String(Math.max(0, ...ids)).length;
    const lines = ids.map((id, i) => {
      const special = tok.specialTokenIds.has(id) ? '  (special)' : '';
      return `${String(i).padStart(String(ids.length).length)}  ${String(id).padStart(width)}  ${JSON.stringify(tokens[i])}${special}`;
    });
    io.stdout.write(`${lines.join('\n')}${lines.length ? '\n' : ''}${ids.length} tokens: [${ids.join(', ')}]\n`);
    return 0;
  },
});
