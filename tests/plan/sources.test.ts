import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadRecipe, resolveRecipeObject } from '../../src/recipe/load.js';
import { knownConfig } from '../../src/models/known-configs/index.js';
import { BackendRegistry, type BackendSpec } from '../../src/engine/registry.js';
import { TFJS_BACKENDS } from '../../src/engine/backends.js';
import { planDataSize, resolvePlanConfig } from '../../src/plan/index.js';
import { builtinFormats } from '../helpers/formats.js';
import { loraPlanOf, planWith } from '../helpers/plugins.js';

const FORMATS = builtinFormats();

const REPO = resolve(import.meta.dirname, '../..');

describe('plan: config, data and engine sources', () => {
  it('a config.json in the Hub cache wins over the built-in copy', async () => {
    const home = mkdtempSync(join(tmpdir(), 'plan-hf-'));
    const repo = join(home, 'hub', 'models--HuggingFaceTB--SmolLM2-135M');
    const sha = 'a'.repeat(40);
    mkdirSync(join(repo, 'refs'), { recursive: true });
    mkdirSync(join(repo, 'snapshots', sha), { recursive: true });
    writeFileSync(join(repo, 'refs', 'main'), sha);
    writeFileSync(join(repo, 'snapshots', sha, 'config.json'), JSON.stringify({ ...knownConfig('HuggingFaceTB/SmolLM2-135M')!.config, num_hidden_layers: 2 }));
    const recipe = await loadRecipe(join(REPO, 'recipes/smollm2-135m-lora.yaml'), { cwd: REPO });
    const cached = await resolvePlanConfig(recipe, { HF_HOME: home });
    assert.deepEqual([cached.source.kind, cached.source.where], ['hub-cache', join(repo, 'snapshots', sha, 'config.json')]);
    assert.equal(cached.config.modelType === 'llama' && cached.config.numLayers, 2);
    const builtIn = await resolvePlanConfig(recipe, { HF_HOME: mkdtempSync(join(tmpdir(), 'plan-hf-')) });
    assert.equal(builtIn.source.kind, 'built-in');
  });

  it('counts local data by preparing it when small, and reads the prepared cache afterwards', async function () {
    this.timeout(20000);
    const cacheDir = mkdtempSync(join(tmpdir(), 'plan-cache-'));
    const recipe = await loadRecipe(join(REPO, 'recipes/tiny/stories-lora.yaml'), { cwd: REPO, overrides: [`data.cache_dir=${cacheDir}`, 'data.val_set_size=5'] });
    const big = await planDataSize(recipe, FORMATS, {}, 10);
    assert.equal(big.trainRows, null);
    assert.match(big.how, /^50 source rows are not in the prepared cache; tokenizing more than 10 just to count steps is slow/);
    const small = await planDataSize(recipe, FORMATS, {});
    assert.deepEqual([small.trainRows, small.valRows, small.how], [45, 5, 'tokenized 50 source rows (now cached for tune run)']);
    const cached = await planDataSize(recipe, FORMATS, {}, 10);
    assert.deepEqual([cached.trainRows, cached.valRows, cached.how], [45, 5, 'prepared-data cache']);
  });

  it('Hub datasets are unknown offline', async () => {
    const recipe = await loadRecipe(join(REPO, 'recipes/smollm2-135m-lora.yaml'), { cwd: REPO });
    const d = await planDataSize(recipe, FORMATS, {});
    assert.equal(d.trainRows, null);
    assert.match(d.how, /^Hub dataset yahma\/alpaca-cleaned: its size is not known offline/);
  });

  it('the backend registry: auto takes the first available backend by probe, a named one as asked', () => {
    const fake = (name: string, autoOrder: number | null, available: boolean): BackendSpec => ({ name, summary: name, autoOrder, runner: 'in-process', copies: { transposedWeights: false, packedWeights: false, reserveBytes: 0, activationScale: 1 }, heapLimitBytes: null, probe: () => ({ available, reason: `${name} ${available ? 'here' : 'missing'}` }) });
    const reg = new BackendRegistry([fake('gpu', 1, false), fake('fast', 2, true), fake('slow', 3, true), fake('manual', null, true)]);
    assert.deepEqual([reg.choose('auto').backend, reg.choose('auto').reason], ['fast', 'auto → fast (gpu missing; fast here)']);
    assert.equal(reg.choose('auto', {}, new Set(['fast'])).backend, 'slow');
    assert.equal(reg.choose('manual').reason, 'manual (requested)');
    assert.deepEqual(reg.names(), ['auto', 'gpu', 'fast', 'slow', 'manual']);
    assert.throws(() => reg.choose('webgpu'), /ENGINE_UNKNOWN_BACKEND/);
    assert.throws(() => reg.register(fake('fast', 9, true)), /already registered/);
    // The TensorFlow.js engines: native is skipped when disabled, wasm carries its 4 GiB heap.
    const tfjs = new BackendRegistry(TFJS_BACKENDS);
    const w = tfjs.choose('auto', { TUNEKIT_NATIVE: '0' });
    assert.deepEqual([w.backend, w.heapLimitBytes, w.copies.packedWeights], ['wasm', 4294901760, true]);
    assert.equal(tfjs.choose('cpu').copies.transposedWeights, false);
  });

  it('GPT-2 LoRA with bias lora_only and modules_to_save: Conv1D weights get no transposed copy', async () => {
    const recipe = resolveRecipeObject(
      {
        recipe_version: 1,
        model: { init: 'random', config: { model_type: 'gpt2', n_embd: 32, n_layer: 2, n_head: 4, vocab_size: 100, n_positions: 64 } },
        tokenizer: { path: join(REPO, 'models/stories260k') },
        data: { datasets: [{ path: 'examples/data/tiny-alpaca.jsonl', format: 'alpaca' }], sequence_len: 16 },
        method: { kind: 'lora', lora: { r: 4, alpha: 8, bias: 'lora_only', modules_to_save: ['wte'] } },
        optimizer: { name: 'adamw', lr: 1e-3, weight_decay: 0.01 },
        training: { max_steps: 3 },
      },
      { baseDir: REPO, cwd: REPO },
    );
    const plan = await planWith(recipe, { backend: 'cpu' });
    // PEFT default for gpt2: c_attn. LoRA 2 × 4·(32+96) = 1,024; c_attn biases 2 × 96; wte 100 × 32.
    assert.deepEqual(loraPlanOf(plan)?.targetSpec, ['c_attn']);
    assert.equal(plan.parameters.trainable, 1024 + 192 + 3200);
    assert.equal(plan.modules.find((m) => m.path === 'transformer.wte')?.placement, 'modules_to_save');
    assert.deepEqual(plan.optimizer.groups.map((g) => [g.name, g.tensors, g.parameters]), [['decay', 5, 4224], ['no_decay', 2, 192]]);
    assert.equal(plan.memory.transposedCopies, 0);
  });
});
