import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadRecipe, resolveRecipeObject } from '../../src/recipe/load.js';
import { parseModelConfig } from '../../src/models/catalog.js';
import { knownConfig } from '../../src/models/known-configs/index.js';
import { chooseEngine, compile, planDataSize, resolvePlanConfig } from '../../src/plan/index.js';

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
    const big = await planDataSize(recipe, {}, 10);
    assert.equal(big.trainRows, null);
    assert.match(big.how, /^50 source rows are not in the prepared cache; tokenizing more than 10 just to count steps is slow/);
    const small = await planDataSize(recipe, {});
    assert.deepEqual([small.trainRows, small.valRows, small.how], [45, 5, 'tokenized 50 source rows (now cached for tune run)']);
    const cached = await planDataSize(recipe, {}, 10);
    assert.deepEqual([cached.trainRows, cached.valRows, cached.how], [45, 5, 'prepared-data cache']);
  });

  it('Hub datasets are unknown offline', async () => {
    const recipe = await loadRecipe(join(REPO, 'recipes/smollm2-135m-lora.yaml'), { cwd: REPO });
    const d = await planDataSize(recipe, {});
    assert.equal(d.trainRows, null);
    assert.match(d.how, /^Hub dataset yahma\/alpaca-cleaned: its size is not known offline/);
  });

  it('auto resolves like initEngine, from files only', () => {
    assert.equal(chooseEngine('auto', { installed: (p) => p === '@tensorflow/tfjs-node', nativeAddon: () => true }).reason, 'auto → tensorflow (@tensorflow/tfjs-node installed)');
    assert.equal(chooseEngine('auto', { installed: () => false, nativeAddon: () => true }).backend, 'native');
    const w = chooseEngine('auto', { installed: () => false, nativeAddon: () => false });
    assert.deepEqual([w.backend, w.heapCapped], ['wasm', true]);
    assert.equal(chooseEngine('cpu').reason, 'cpu (requested)');
  });

  it('GPT-2 LoRA with bias lora_only and modules_to_save: Conv1D weights get no transposed copy', () => {
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
    const plan = compile(recipe, { config: parseModelConfig(recipe.model.config), engine: chooseEngine('cpu') });
    // PEFT default for gpt2: c_attn. LoRA 2 × 4·(32+96) = 1,024; c_attn biases 2 × 96; wte 100 × 32.
    assert.deepEqual(plan.method.lora?.targetSpec, ['c_attn']);
    assert.equal(plan.parameters.trainable, 1024 + 192 + 3200);
    assert.equal(plan.modules.find((m) => m.path === 'transformer.wte')?.placement, 'modules_to_save');
    assert.deepEqual(plan.optimizer.groups.map((g) => [g.name, g.tensors, g.parameters]), [['decay', 5, 4224], ['no_decay', 2, 192]]);
    assert.equal(plan.memory.transposedCopies, 0);
  });
});
