import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { command } from '../../src/cli/eval.js';
import { runCommand } from '../helpers/io.js';
import { ARCHS, PARITY_DIR, forwardGolden, goldenJson, modelDir } from '../models/parity-fixture.js';

async function run(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return runCommand(command, args.slice(1));
}

describe('tune eval', () => {
  for (const arch of ARCHS) {
    it(`${arch}: reproduces golden/forward.json's loss (also one row at a time)`, async () => {
      const batch = join(PARITY_DIR, arch, 'golden', 'forward.json');
      const want = forwardGolden(arch).loss;
      for (const bs of ['8', '1']) {
        const r = await run(['eval', '--model', modelDir(arch), '--batch', batch, '--format', 'json', '--backend', 'wasm', '--batch-size', bs]);
        assert.equal(r.code, 0, r.err);
        const j = JSON.parse(r.out) as { loss: number; tokens: number };
        assert.equal(j.tokens, 18);
        assert.ok(Math.abs(j.loss - want) <= 1e-5 * (1 + want), `${j.loss} vs ${want}`);
      }
    });
  }

  it('--adapter gives the LoRA loss of golden/lora.json', async () => {
    const r = await run(['eval', '--model', modelDir('mpt'), '--adapter', join(PARITY_DIR, 'mpt', 'adapter'), '--batch', join(PARITY_DIR, 'mpt', 'golden', 'forward.json'), '--format', 'json', '--backend', 'cpu']);
    const want = goldenJson<{ loss: number }>('mpt', 'lora.json').loss;
    assert.ok(Math.abs((JSON.parse(r.out) as { loss: number }).loss - want) < 1e-4);
  });

  it('a malformed batch fails with EVAL_BATCH_INVALID at the offending path', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-eval-'));
    const file = join(dir, 'b.json');
    writeFileSync(file, JSON.stringify({ input_ids: [[1, 2, 3], [4, 5]] }));
    const r = await run(['eval', '--model', modelDir('llama'), '--batch', file, '--backend', 'cpu']);
    assert.equal(r.code, 1);
    assert.match(r.err, /EVAL_BATCH_INVALID/);
    assert.match(r.err, /input_ids\[1\]/);
    writeFileSync(file, JSON.stringify({ input_ids: [[1, 2, 3]], labels: [[1, 2.5, 3]] }));
    const r2 = await run(['eval', '--model', modelDir('llama'), '--batch', file, '--backend', 'cpu']);
    assert.match(r2.err, /labels\[0\]\[1\]/);
  });
});

describe('tune eval RECIPE', () => {
  it('loss over a recipe dataset (tokenized rows of the golden batch) equals forward.json; exact match runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tk-eval-recipe-'));
    const g = forwardGolden('llama');
    const rows = g.input_ids.map((ids, i) => JSON.stringify({ input_ids: ids, labels: g.labels[i], attention_mask: g.attention_mask[i] }));
    writeFileSync(join(dir, 'data.jsonl'), `${rows.join('\n')}\n`);
    writeFileSync(
      join(dir, 'recipe.yaml'),
      [
        'recipe_version: 1',
        'model:',
        `  base: ${join(process.cwd(), modelDir('llama'))}`,
        'tokenizer:',
        `  path: ${join(process.cwd(), 'models/stories260k')}`,
        'data:',
        '  datasets:',
        '    - path: data.jsonl',
        '      format: tokenized',
        '  sequence_len: 64',
        `  cache_dir: ${join(dir, 'cache')}`,
        'method:',
        '  kind: full',
        '',
      ].join('\n'),
    );
    const r = await run(['eval', join(dir, 'recipe.yaml'), '--split', 'train', '--metric', 'all', '--format', 'json', '--backend', 'cpu', '--batch-size', '1']);
    assert.equal(r.code, 0, r.err);
    const j = JSON.parse(r.out) as { loss: number; tokens: number; exact_match: number; correct: number; examples: number };
    assert.equal(j.tokens, 18);
    assert.ok(Math.abs(j.loss - g.loss) < 1e-5 * (1 + g.loss), `${j.loss} vs ${g.loss}`);
    assert.equal(j.examples, 2);
    assert.equal(j.exact_match, j.correct / 2);
    const none = await run(['eval', join(dir, 'recipe.yaml'), '--backend', 'cpu']);
    assert.equal(none.code, 2);
    assert.match(none.err, /val split is empty/);
  });
});
