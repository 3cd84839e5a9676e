import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { catalogOf, defineCommand } from './command.js';
import { fail } from '../diagnostics/index.js';
import type { DatasetFormat } from '../data/format.js';
import { type BackendName, initEngine } from '../engine/index.js';
import { type GenerateOptions, generate, readGenerationConfig } from '../generate/index.js';
import { encodePrompt, promptTemplates, renderPrompt } from '../generate/prompt.js';
import { loadModel } from '../models/load.js';
import { type Tokenizer, loadTokenizer } from '../tokenizer/index.js';

const USAGE = `usage: tune generate --model DIR (--prompt TEXT | --input-ids 1,2,3) [options]

  --model DIR                 Hugging Face model folder (config.json + safetensors)
  --adapter DIR               PEFT LoRA adapter folder, merged into the weights
  --prompt TEXT               text prompt (needs the folder's tokenizer)
  --input TEXT                Alpaca input field (with --template alpaca)
  --template NAME             prompt template: none (default), chat, or a dataset format's (alpaca)
  --input-ids 1,2,3           prompt as token ids (no tokenizer needed)
  --max-new-tokens N          default: generation_config.json, else 20
  --temperature T             sample with temperature T (0 = greedy)
  --top-k K, --top-p P        sampling filters (HF defaults: 50, 1.0)
  --repetition-penalty R      HF repetition penalty (1.0 = off)
  --no-repeat-ngram-size N    forbid repeating n-grams (0 = off)
  --do-sample | --greedy      force sampling / greedy decoding
  --stop STR                  stop when the continuation contains STR (repeatable)
  --seed N                    sampler seed (default 0)
  --no-cache                  recompute the whole sequence per token (no KV cache)
  --backend auto|native|wasm|cpu|tensorflow
  --format text|json          json prints {"prompt_ids", "generated_ids", ...} once at the end`;

const OPTIONS = {
  model: { type: 'string', short: 'm' },
  adapter: { type: 'string' },
  prompt: { type: 'string', short: 'p' },
  input: { type: 'string' },
  template: { type: 'string', default: 'none' },
  'input-ids': { type: 'string' },
  'max-new-tokens': { type: 'string' },
  temperature: { type: 'string' },
  'top-k': { type: 'string' },
  'top-p': { type: 'string' },
  'repetition-penalty': { type: 'string' },
  'no-repeat-ngram-size': { type: 'string' },
  'do-sample': { type: 'boolean' },
  greedy: { type: 'boolean' },
  stop: { type: 'string', multiple: true },
  seed: { type: 'string' },
  'no-cache': { type: 'boolean' },
  backend: { type: 'string', default: 'auto' },
  format: { type: 'string', default: 'text' },
} as const;

function num(flag: string, v: string | undefined, integer: boolean): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    fail('CLI_USAGE', `--${flag} must be ${integer ? 'an integer' : 'a number'}`, { found: JSON.stringify(v), hint: USAGE });
  }
  return n;
}

/** Token ids from `--input-ids 1,2,3`. */
export function parseIdList(text: string): number[] {
  const parts = text.split(/[\s,]+/).filter((s) => s !== '');
  const ids = parts.map(Number);
  if (ids.length === 0 || ids.some((n) => !Number.isInteger(n) || n < 0)) {
    fail('CLI_USAGE', '--input-ids must be comma-separated non-negative integers', { found: JSON.stringify(text), hint: 'e.g. --input-ids 464,2068,7586' });
  }
  return ids;
}

function hasTokenizerFiles(dir: string): boolean {
  return ['tokenizer.json', 'vocab.json', 'tokenizer_config.json'].some((f) => existsSync(join(dir, f)));
}

/** `tune generate`: sample from a model (+ adapter), streaming tokens to stdout. */
export const command = defineCommand({
  name: 'generate',
  summary: 'generate text (or token ids) from a model, optionally with a LoRA adapter',
  usage: USAGE,
  options: OPTIONS,
  async run({ values, positionals }, io) {
    if (positionals.length) fail('CLI_USAGE', `unexpected argument \`${positionals[0]}\``, { hint: USAGE });
    if (!values.model) fail('CLI_USAGE', '--model DIR is required', { hint: USAGE });
    if ((values.prompt === undefined) === (values['input-ids'] === undefined)) fail('CLI_USAGE', 'give exactly one of --prompt TEXT and --input-ids 1,2,3', { hint: USAGE });
    if (values.format !== 'text' && values.format !== 'json') fail('CLI_USAGE', '--format must be text or json', { found: String(values.format) });
    const formats = new Map<string, DatasetFormat>(catalogOf(io).plugins.flatMap((p) => p.recipe?.datasetFormats ?? []).map((f) => [f.name, f as DatasetFormat]));
    const template = String(values.template);
    if (!promptTemplates(formats).includes(template)) fail('CLI_USAGE', `--template must be one of ${promptTemplates(formats).join(', ')}`, { found: template });
    if (values['do-sample'] && values.greedy) fail('CLI_USAGE', '--do-sample and --greedy exclude each other');

    const dir = resolve(io.cwd, values.model);
    const tokenizer: Tokenizer | null = values.prompt !== undefined || hasTokenizerFiles(dir) ? await loadTokenizer(dir) : null;
    let promptIds: number[];
    if (values.prompt !== undefined) {
      promptIds = encodePrompt(template, renderPrompt(template, values.prompt, tokenizer, values.input ?? '', formats), tokenizer as Tokenizer);
    } else {
      promptIds = parseIdList(values['input-ids'] as string);
    }

    const temperature = num('temperature', values.temperature, false);
    const sampleFlags = temperature !== undefined || values['top-k'] !== undefined || values['top-p'] !== undefined;
    const opts: GenerateOptions = { ...readGenerationConfig(dir) };
    const set = <K extends keyof GenerateOptions>(k: K, v: GenerateOptions[K] | undefined): void => {
      if (v !== undefined) opts[k] = v;
    };
    set('maxNewTokens', num('max-new-tokens', values['max-new-tokens'], true));
    set('topK', num('top-k', values['top-k'], true));
    set('topP', num('top-p', values['top-p'], false));
    set('repetitionPenalty', num('repetition-penalty', values['repetition-penalty'], false));
    set('noRepeatNgramSize', num('no-repeat-ngram-size', values['no-repeat-ngram-size'], true));
    set('seed', num('seed', values.seed, true));
    if (temperature === 0) opts.doSample = false;
    else {
      set('temperature', temperature);
      if (sampleFlags) opts.doSample = true;
    }
    if (values['do-sample']) opts.doSample = true;
    if (values.greedy) opts.doSample = false;
    if (tokenizer && tokenizer.eosTokenIds.length > 0) opts.eosTokenId = [...tokenizer.eosTokenIds];
    if (values.stop) {
      if (!tokenizer) fail('CLI_USAGE', '--stop needs a tokenizer in the model folder', { hint: 'stop on token ids via generation_config.json eos_token_id instead' });
      opts.stopStrings = values.stop;
      opts.decode = (ids) => tokenizer.decode(ids, { skipSpecialTokens: true });
    }
    opts.useCache = !values['no-cache'];

    const engine = await initEngine(values.backend as BackendName);
    io.stderr.write(`${engine.message}\n`);
    const model = await loadModel(dir, values.adapter !== undefined ? { adapter: resolve(io.cwd, values.adapter) } : {});
    // As HF: generation_config.json (or the tokenizer) first, else config.json's eos_token_id.
    if (opts.eosTokenId === undefined && model.config.eosTokenId !== null) opts.eosTokenId = model.config.eosTokenId;
    const json = values.format === 'json';
    let printed = '';
    const generated: number[] = [];
    opts.onToken = (id) => {
      generated.push(id);
      if (json) return;
      if (!tokenizer) {
        io.stdout.write(`${generated.length > 1 ? ' ' : ''}${id}`);
        return;
      }
      // Decode the whole continuation and print what is new: byte-level tokens may complete a character later.
      const text = tokenizer.decode(generated, { skipSpecialTokens: true });
      if (text.startsWith(printed) && !text.endsWith('\uFFFD')) {
        io.stdout.write(text.slice(printed.length));
        printed = text;
      }
    };
    const t0 = performance.now();
    try {
      const result = await generate(model, promptIds, opts);
      const seconds = (performance.now() - t0) / 1000;
      if (json) {
        const out: Record<string, unknown> = { prompt_ids: promptIds, generated_ids: result.tokens, finish_reason: result.finishReason };
        if (tokenizer) out['text'] = tokenizer.decode(result.tokens, { skipSpecialTokens: true });
        out['tokens_per_second'] = seconds > 0 ? Number((result.tokens.length / seconds).toFixed(2)) : null;
        io.stdout.write(`${JSON.stringify(out)}\n`);
      } else {
        if (tokenizer) {
          const text = tokenizer.decode(result.tokens, { skipSpecialTokens: true });
          if (text.startsWith(printed)) io.stdout.write(text.slice(printed.length));
        }
        io.stdout.write('\n');
        io.stderr.write(`${result.tokens.length} tokens in ${seconds.toFixed(2)} s (${(result.tokens.length / Math.max(seconds, 1e-9)).toFixed(1)} tokens/s), finish: ${result.finishReason}\n`);
      }
      return 0;
    } finally {
      model.dispose();
    }
  },
});
