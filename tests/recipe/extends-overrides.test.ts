import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { isTuneError } from '../../src/diagnostics/index.js';
import { checkRecipeFile, loadRecipe } from '../../src/recipe/load.js';
import { parseOverride } from '../../src/recipe/overrides.js';
import { loraOf } from '../helpers/recipe.js';

const REPO = resolve(import.meta.dirname, '../..');
const CHAIN = 'tests/fixtures/recipes/chain';

describe('recipe: extends', () => {
  it('merges a three-level chain: objects merge, lists replace, null deletes', async () => {
    const r = await loadRecipe(`${CHAIN}/sub/leaf.yaml`, { cwd: REPO });
    assert.equal(loraOf(r)?.r, 16); // middle
    assert.equal(loraOf(r)?.alpha, 16); // base, kept by the object merge
    assert.deepEqual(loraOf(r)?.target_modules, ['q_proj', 'k_proj', 'v_proj', 'o_proj']); // replaced list
    assert.equal(r.optimizer.lr, 1e-3);
    assert.equal(r.schedule.warmup_steps, 3);
    assert.equal(r.schedule.warmup_ratio, 0); // deleted, default applies
    assert.equal(r.training.epochs, null);
    assert.equal(r.training.max_steps, 20);
    assert.equal(r.training.micro_batch_size, 4);
    assert.equal(r.description, 'leaf of a three-level chain');
    assert.deepEqual(
      r.source.files.map((f) => f.slice(REPO.length + 1)),
      [`${CHAIN}/base.yaml`, `${CHAIN}/sub/middle.yaml`, `${CHAIN}/sub/leaf.yaml`],
    );
  });

  it('resolves relative paths against the file that wrote them', async () => {
    const r = await loadRecipe(`${CHAIN}/sub/leaf.yaml`, { cwd: REPO });
    assert.equal(r.model.base, join(REPO, 'models/stories260k'));
    assert.equal(r.data.datasets[0]!.path, join(REPO, 'examples/data/tiny-alpaca.jsonl'));
    assert.equal(r.output.dir, join(REPO, CHAIN, 'out-base'));
  });

  it('applies several bases in order, then the file itself', async () => {
    const r = await loadRecipe(`${CHAIN}/multi.yaml`, { cwd: REPO });
    assert.equal(r.training.seed, 2); // mixin-b wins over mixin-a
    assert.equal(r.logging.steps, 1);
    assert.equal(r.logging.tensorboard, false); // the file wins over its bases
  });

  it('reports an error inside a base at the base file’s line', () => {
    const { diagnostics } = checkRecipeFile(`${CHAIN}/sub/leaf.yaml`, { cwd: REPO, overrides: ['training.micro_batch_size=0'] });
    assert.equal(diagnostics.length, 1);
    assert.equal(diagnostics[0]!.code, 'RECIPE_RANGE');
    assert.match(diagnostics[0]!.message, /set by override `training.micro_batch_size=0`/);
  });

  it('extends a recipe inside an installed npm package (resolved from the recipe folder)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tunekit-npm-'));
    try {
      const pkg = join(dir, 'node_modules', '@team', 'recipes');
      mkdirSync(pkg, { recursive: true });
      // `exports` hides files from require.resolve: the loader must still find them.
      writeFileSync(join(pkg, 'package.json'), JSON.stringify({ name: '@team/recipes', version: '1.0.0', exports: { '.': './index.js' } }));
      writeFileSync(
        join(pkg, 'base.yaml'),
        'recipe_version: 1\nmodel:\n  base: org/model\ndata:\n  datasets:\n    - path: org/data\nmethod:\n  kind: lora\noptimizer:\n  lr: 0.001\n',
      );
      mkdirSync(join(dir, 'project'));
      writeFileSync(join(dir, 'project', 'run.yaml'), 'extends: "@team/recipes/base.yaml"\ntraining:\n  epochs: 4\n');
      const r = await loadRecipe('project/run.yaml', { cwd: dir });
      assert.equal(r.optimizer.lr, 0.001);
      assert.equal(r.training.epochs, 4);
      assert.equal(r.model.base, 'org/model');
      assert.equal(r.source.files[0], join(pkg, 'base.yaml'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('recipe: command-line overrides', () => {
  it('parses key paths, YAML values, list indices and deletes', () => {
    assert.deepEqual(parseOverride('optimizer.lr=1e-4'), { text: 'optimizer.lr=1e-4', op: 'set', path: ['optimizer', 'lr'], value: 1e-4 });
    assert.deepEqual(parseOverride('method.lora.target_modules=[q_proj, v_proj]'), {
      text: 'method.lora.target_modules=[q_proj, v_proj]',
      op: 'set',
      path: ['method', 'lora', 'target_modules'],
      value: ['q_proj', 'v_proj'],
    });
    assert.deepEqual(parseOverride('data.datasets[0].split=test'), { text: 'data.datasets[0].split=test', op: 'set', path: ['data', 'datasets', 0, 'split'], value: 'test' });
    assert.deepEqual(parseOverride('~schedule.warmup_ratio'), { text: '~schedule.warmup_ratio', op: 'delete', path: ['schedule', 'warmup_ratio'] });
    const bad = parseOverride('a..b=1');
    assert.ok('code' in bad && bad.code === 'RECIPE_OVERRIDE_SYNTAX');
  });

  it('apply after extends and before validation', async () => {
    const r = await loadRecipe(`${CHAIN}/sub/leaf.yaml`, {
      cwd: REPO,
      overrides: ['optimizer.lr=5e-4', 'data.datasets.0.split=validation', '~method.lora.target_modules', 'output.dir=tmp/o'],
    });
    assert.equal(r.optimizer.lr, 5e-4);
    assert.equal(r.data.datasets[0]!.split, 'validation');
    assert.equal(loraOf(r)?.target_modules, null);
    assert.equal(r.output.dir, join(REPO, 'tmp/o')); // override paths are relative to the working directory
    assert.deepEqual(r.source.overrides, ['optimizer.lr=5e-4', 'data.datasets.0.split=validation', '~method.lora.target_modules', 'output.dir=tmp/o']);
  });

  it('turn a valid recipe invalid with a diagnostic naming the override', async () => {
    await assert.rejects(loadRecipe(`${CHAIN}/base.yaml`, { cwd: REPO, overrides: ['training.max_steps=10'] }), (e: unknown) => {
      assert.ok(isTuneError(e));
      assert.equal(e.diagnostics.length, 1);
      assert.equal(e.diagnostics[0]!.code, 'RECIPE_EXCLUSIVE');
      // The conflict is reported at the `epochs` key written in base.yaml.
      assert.equal(e.diagnostics[0]!.file, `${CHAIN}/base.yaml`);
      assert.equal(e.diagnostics[0]!.line, 19);
      return true;
    });
  });

  it('reject a path through a scalar and a list index out of range', () => {
    const a = checkRecipeFile(`${CHAIN}/base.yaml`, { cwd: REPO, overrides: ['training.epochs.x=1'] }).diagnostics;
    assert.deepEqual(a.map((d) => d.code), ['RECIPE_OVERRIDE_PATH']);
    assert.match(a[0]!.message, /`training.epochs` is a number/);
    const b = checkRecipeFile(`${CHAIN}/base.yaml`, { cwd: REPO, overrides: ['data.datasets.5.path=x'] }).diagnostics;
    assert.deepEqual(b.map((d) => d.code), ['RECIPE_OVERRIDE_PATH']);
  });
});
