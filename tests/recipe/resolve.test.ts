import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { isTuneError } from '../../src/diagnostics/index.js';
import { loadRecipe, locateInRecipe, resolveRecipeObject, validateRecipeFile } from '../../src/recipe/load.js';
import { loraOf } from '../helpers/recipe.js';

const REPO = resolve(import.meta.dirname, '../..');
const minimal = (extra: Record<string, unknown> = {}) => ({
  recipe_version: 1,
  model: { base: 'models/stories260k' },
  data: { datasets: [{ path: 'examples/data/tiny-alpaca.jsonl' }] },
  method: { kind: 'lora' },
  ...extra,
});

describe('recipe: resolve (defaults, paths, computed values)', () => {
  it('fills every default from the schema', () => {
    const r = resolveRecipeObject(minimal(), { baseDir: REPO, cwd: REPO });
    // The optimizer's own keys only: AdamW takes betas and eps, not SGD's momentum and nesterov.
    assert.deepEqual(r.optimizer, { name: 'adamw', lr: 2e-4, betas: [0.9, 0.999], eps: 1e-8, weight_decay: 0 });
    assert.deepEqual(resolveRecipeObject(minimal({ optimizer: { name: 'sgd' } }), { baseDir: REPO, cwd: REPO }).optimizer, { name: 'sgd', lr: 2e-4, weight_decay: 0, momentum: 0, nesterov: false });
    assert.deepEqual(r.schedule, { name: 'linear', warmup_steps: 0, warmup_ratio: 0, min_lr_ratio: 0 });
    assert.deepEqual(r.training, {
      epochs: 1,
      max_steps: null,
      micro_batch_size: 1,
      gradient_accumulation_steps: 1,
      effective_batch_size: 1,
      max_grad_norm: 1,
      gradient_checkpointing: false,
      seed: 42,
    });
    assert.deepEqual(loraOf(r), {
      r: 8,
      alpha: 16,
      dropout: 0,
      target_modules: null,
      exclude_modules: [],
      bias: 'none',
      rslora: false,
      modules_to_save: [],
      init: 'default',
      init_from: null,
    });
    assert.equal(r.method['quantization'], undefined, 'a lora recipe carries no quantization block');
    assert.deepEqual(r.logging, { steps: 10, jsonl: true, tensorboard: false, progress: 'auto' });
    assert.deepEqual(r.engine, { backend: 'auto', threads: null });
    const ds = r.data.datasets[0]!;
    assert.equal(ds.format, 'alpaca');
    assert.equal(
      (ds['template'] as { prompt_no_input: string }).prompt_no_input,
      'Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n### Instruction:\n{instruction}\n\n### Response:',
    );
    assert.deepEqual(ds['fields'], { instruction: 'instruction', input: 'input', output: 'output' });
    assert.equal(ds.train_on_inputs, false);
    assert.equal(ds.on_bad_row, 'error');
  });

  it('makes paths absolute and fills computed defaults', () => {
    const r = resolveRecipeObject(minimal(), { baseDir: REPO, cwd: '/work/somewhere' });
    assert.equal(r.model.base, join(REPO, 'models/stories260k'));
    assert.equal(r.model.base_kind, 'local');
    assert.equal(r.tokenizer.path, r.model.base); // tokenizer defaults to the model folder
    assert.equal(r.data.datasets[0]!.path, join(REPO, 'examples/data/tiny-alpaca.jsonl'));
    assert.equal(r.data.cache_dir, '/work/somewhere/.tunekit-cache'); // a default path lives in the working directory
    assert.equal(r.output.dir, '/work/somewhere/out/recipe');
    assert.deepEqual(r.output.export, ['adapter']);
    assert.equal(r.eval.batch_size, 1);
  });

  it('splits hub ids with @revision and classifies hub datasets', () => {
    const r = resolveRecipeObject(
      minimal({ model: { base: 'HuggingFaceTB/SmolLM2-135M@v1' }, data: { datasets: [{ path: 'tatsu-lab/alpaca', revision: null }] }, method: { kind: 'full' } }),
      { baseDir: REPO },
    );
    assert.deepEqual([r.model.base, r.model.base_kind, r.model.revision], ['HuggingFaceTB/SmolLM2-135M', 'hub', 'v1']);
    assert.deepEqual([r.data.datasets[0]!.path, r.data.datasets[0]!.path_kind], ['tatsu-lab/alpaca', 'hub']);
    assert.deepEqual(r.output.export, ['full']);
    assert.deepEqual(r.method, { kind: 'full', freeze: [] }, 'a full fine-tune carries its own keys only');
  });

  it('max_steps replaces epochs; per-dataset settings inherit from data', () => {
    const r = resolveRecipeObject(
      minimal({
        training: { max_steps: 7, micro_batch_size: 3, gradient_accumulation_steps: 5 },
        data: { datasets: [{ path: 'examples/data/tiny-alpaca.jsonl', on_bad_row: 'skip' }], train_on_inputs: true },
        tokenizer: { chat_template: '{{ messages }}' },
      }),
      { baseDir: REPO },
    );
    assert.deepEqual([r.training.epochs, r.training.max_steps, r.training.effective_batch_size], [null, 7, 15]);
    assert.deepEqual([r.data.datasets[0]!.on_bad_row, r.data.datasets[0]!.train_on_inputs], ['skip', true]);
    assert.deepEqual(r.tokenizer.chat_template, { kind: 'inline', text: '{{ messages }}' });
  });

  it('throws a TuneError with every problem for a bad object, with JSON pointers', () => {
    assert.throws(
      () => resolveRecipeObject(minimal({ optimizer: { lr: -1, nme: 'sgd' } }), { baseDir: REPO }),
      (e: unknown) => {
        assert.ok(isTuneError(e));
        assert.deepEqual(e.diagnostics.map((d) => [d.code, d.path, d.line]).sort(), [
          ['RECIPE_RANGE', '/optimizer/lr', undefined],
          ['RECIPE_UNKNOWN_KEY', '/optimizer/nme', undefined],
        ]);
        return true;
      },
    );
  });

  it('locateInRecipe maps a pointer of a loaded recipe back to its file position', async () => {
    const r = await loadRecipe('recipes/tiny/stories-lora.yaml', { cwd: REPO });
    const at = locateInRecipe(r, '/method/lora/r');
    assert.deepEqual([at.file, at.line, at.col], ['recipes/tiny/stories-lora.yaml', 19, 5]);
  });

  it('validateRecipeFile returns diagnostics instead of throwing', async () => {
    assert.deepEqual(await validateRecipeFile('recipes/tiny/stories-qlora.yaml', { cwd: REPO }), []);
    const ds = await validateRecipeFile('tests/fixtures/invalid/multiple-errors/recipe.yaml', { cwd: REPO });
    assert.deepEqual(ds.map((d) => d.code), ['RECIPE_RANGE', 'RECIPE_TYPE', 'RECIPE_UNKNOWN_KEY']);
    const missing = await validateRecipeFile('no/such.yaml', { cwd: REPO });
    assert.deepEqual(missing.map((d) => [d.code, d.file]), [['RECIPE_FILE_NOT_FOUND', 'no/such.yaml']]);
  });
});
