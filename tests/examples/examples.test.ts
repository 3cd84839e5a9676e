import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main.js';
import { TASKS, generateSplits, toJsonl } from '../../examples/tasks/generate.js';
import { captureIO } from '../helpers/io.js';

describe('examples/', function () {
  this.timeout(180_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'examples-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('tasks/generate: held-out inputs never occur in training, and the checked-in files are its output', () => {
    const { train, test } = generateSplits(2000, 10, 7);
    const seen = new Set(train.map((r) => `${r.instruction}|${r.input}`));
    assert.equal(test.filter((r) => seen.has(`${r.instruction}|${r.input}`)).length, 0);
    assert.equal(new Set(test.map((r) => r.instruction)).size, Object.keys(TASKS).length);
    for (const r of [...train, ...test]) if (r.instruction.startsWith('Add')) assert.equal(r.output, String(r.input.split(' + ').map(Number).reduce((a, b) => a + b)));
    assert.equal(readFileSync('examples/data/tasks-train.jsonl', 'utf8'), toJsonl(train));
    assert.equal(readFileSync('examples/data/tasks-test.jsonl', 'utf8'), toJsonl(test));
  });

  it('train-in-code: a recipe object built in code trains and exports an adapter', () => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'examples/train-in-code.ts', join(dir, 'out'), '--steps', '3'], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /trained 3 steps; final loss \d+\.\d{4}; adapter in .*adapter/);
    assert.ok(existsSync(join(dir, 'out', 'adapter', 'adapter_model.safetensors')));
  });

  it('custom-plugin: the recipe loads ./loss-alarm.ts with its options and the plugin writes its report', async () => {
    const io = captureIO(dir);
    const code = await main(['run', resolve('examples/custom-plugin/recipe.yaml'), `output.dir=${join(dir, 'out')}`, 'training.max_steps=4', 'logging.progress=none'], io);
    assert.equal(code, 0, io.err());
    const report = JSON.parse(readFileSync(join(dir, 'out', 'loss-alarm.json'), 'utf8')) as { threshold: number; jumps: unknown[] };
    assert.equal(report.threshold, 0.25);
    assert.ok(Array.isArray(report.jumps));
  });

  it('custom-plugin: a bad option (from an override) is reported at the plugin entry with a code frame', async () => {
    const io = captureIO(dir);
    const code = await main(['run', resolve('examples/custom-plugin/recipe.yaml'), 'plugins.0.options.threshold=-1', `output.dir=${join(dir, 'out')}`], io);
    assert.equal(code, 1);
    assert.match(io.err(), /recipe\.yaml:19:5: error PLUGIN_INVALID_OPTIONS plugin `loss-alarm`: option `\/threshold` must be > 0/);
    assert.match(io.err(), /> 19 \|   - use: \.\/loss-alarm\.ts/);
  });
});
