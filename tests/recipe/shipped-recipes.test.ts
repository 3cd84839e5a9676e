import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fg from 'fast-glob';
import { loadRecipe } from '../../src/recipe/load.js';
import { starterRecipe } from '../../src/recipe/starter.js';
import { writeFileSync } from 'node:fs';
import { loraOf } from '../helpers/recipe.js';
import { CATALOG, REGISTRY } from '../helpers/plugins.js';
import { checkRecipe } from '../../src/plugin-host/recipe.js';

const REPO = resolve(import.meta.dirname, '../..');
const shipped = fg.sync('recipes/**/*.y?(a)ml', { cwd: REPO }).sort();

describe('recipe: shipped recipes', () => {
  it('ships the recipes the issue names', () => {
    for (const f of [
      'recipes/mpt30b-qlora.yaml',
      'recipes/bloom-6b4-full.yaml',
      'recipes/gpt2-pretrain-wikitext2.yaml',
      'recipes/smollm2-135m-lora.yaml',
      'recipes/llama3-8b-lora-r128.yaml',
      'recipes/tiny/stories-lora.yaml',
      'recipes/tiny/stories-full.yaml',
      'recipes/tiny/stories-qlora.yaml',
    ]) {
      assert.ok(shipped.includes(f), `${f} missing`);
    }
  });

  for (const f of shipped) {
    it(`${f} validates cleanly and starts with a $schema line`, async () => {
      const text = readFileSync(join(REPO, f), 'utf8');
      assert.match(text.split('\n')[0]!, /^# yaml-language-server: \$schema=(\.\.\/)+schema\/recipe\.schema\.json$/);
      const schemaRef = /\$schema=(\S+)/.exec(text)![1]!;
      assert.equal(resolve(REPO, f, '..', schemaRef), join(REPO, 'schema/recipe.schema.json'));
      const { diagnostics, recipe } = await checkRecipe(f, { cwd: REPO, catalog: CATALOG });
      assert.deepEqual(diagnostics, []);
      assert.ok(recipe);
    });
  }

  it('mpt30b-qlora mirrors the German Alpaca QLoRA run', async () => {
    const r = await loadRecipe('recipes/mpt30b-qlora.yaml', { cwd: REPO });
    assert.deepEqual(
      [r.model.base, r.model.base_kind, r.method.kind, r.method['quantization'], loraOf(r)?.r, loraOf(r)?.alpha, loraOf(r)?.dropout, loraOf(r)?.target_modules],
      ['mosaicml/mpt-30b', 'hub', 'qlora', { bits: 4, type: 'nf4', double_quant: true, blocksize: 64, compute_dtype: 'bfloat16' }, 64, 16, 0.05, ['up_proj', 'down_proj']],
    );
    assert.deepEqual(
      [r.data.sequence_len, r.training.micro_batch_size, r.training.gradient_accumulation_steps, r.training.epochs, r.schedule.warmup_ratio, r.optimizer.lr, r.schedule.name, r.optimizer.name, r.training.max_grad_norm],
      [1024, 4, 4, 3, 0.04, 2e-5, 'linear', 'paged_adamw_8bit', 0.3],
    );
    assert.match((r.data.datasets[0]!['template'] as { prompt_input: string }).prompt_input, /^Below is an instruction that describes a task, paired with an input/);
  });

  it('bloom, gpt2 and the llama r128 recipes carry their runs’ settings', async () => {
    const b = await loadRecipe('recipes/bloom-6b4-full.yaml', { cwd: REPO });
    assert.deepEqual(
      [b.method.kind, b.optimizer.lr, b.training.epochs, b.data.sequence_len, b.training.micro_batch_size, b.training.gradient_accumulation_steps, b.schedule.name, b.schedule.warmup_steps, b.logging.steps, b.output.save_steps, b.output.save_total_limit, b.training.gradient_checkpointing, b.model.dtype, b.output.export],
      ['full', 2e-5, 2, 2048, 2, 8, 'cosine', 2, 2, 400, 3, true, 'bfloat16', ['full']],
    );
    const g = await loadRecipe('recipes/gpt2-pretrain-wikitext2.yaml', { cwd: REPO });
    assert.deepEqual(
      [g.model.init, g.model.base, g.model.config, g.data.datasets[0]!.name, g.data.sequence_len, g.training.epochs, g.training.micro_batch_size, g.optimizer.lr, g.output.save_steps, g.output.save_total_limit],
      ['random', null, { model_type: 'gpt2' }, 'wikitext-2-raw-v1', 512, 5, 64, 5e-4, 10000, 2],
    );
    const l = await loadRecipe('recipes/llama3-8b-lora-r128.yaml', { cwd: REPO });
    assert.deepEqual([loraOf(l)?.r, loraOf(l)?.alpha, loraOf(l)?.rslora], [128, 32, true]);
    assert.deepEqual(loraOf(l)?.target_modules, ['q_proj', 'k_proj', 'v_proj', 'o_proj', 'gate_proj', 'up_proj', 'down_proj', 'embed_tokens', 'lm_head']);
  });

  it('tiny recipes point at the repo’s stories260k model and tiny-alpaca data', async () => {
    const r = await loadRecipe('recipes/tiny/stories-lora.yaml', { cwd: REPO });
    assert.equal(r.model.base, join(REPO, 'models/stories260k'));
    assert.equal(r.model.base_kind, 'local');
    assert.equal(r.data.datasets[0]!.path, join(REPO, 'examples/data/tiny-alpaca.jsonl'));
    const rows = readFileSync(join(REPO, 'examples/data/tiny-alpaca.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    assert.equal(rows.length, 50);
    for (const row of rows) assert.deepEqual(Object.keys(row), ['instruction', 'input', 'output']);
    const sums = rows.filter((x) => x.instruction === 'Add the two numbers.');
    for (const s of sums) {
      const [a, b] = s.input!.split(' + ').map(Number);
      assert.equal(Number(s.output), a! + b!);
    }
  });
});

describe('recipe: tune init output', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tunekit-init-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const method of ['full', 'lora', 'qlora'] as const) {
    it(`--method ${method} validates, with and without --model`, async () => {
      for (const modelDir of [undefined, join(REPO, 'models/stories260k')]) {
        const file = join(dir, `${method}-${modelDir ? 'local' : 'hub'}.yaml`);
        writeFileSync(file, starterRecipe({ method: REGISTRY.methods.find((m) => m.name === method)!, registry: REGISTRY, file, ...(modelDir ? { modelDir } : {}) }));
        const { diagnostics, recipe } = await checkRecipe(file, { cwd: dir, catalog: CATALOG });
        assert.deepEqual(diagnostics, []);
        assert.equal(recipe?.method.kind, method);
        if (modelDir) {
          assert.equal(recipe?.model.base, modelDir);
          assert.equal(recipe?.data.sequence_len, 512);
        }
      }
    });
  }
});
