/**
 * The training-step hooks through real runs (tests/fixtures/plugins/step-hooks.ts records what it
 * sees): runBegin's prepared data, transformBatch per micro-batch and its result being what trains,
 * ctx.record reaching the `log` hook (metrics.jsonl), trainEnd on every ending, and a Runner that
 * does not call a hook refusing the plugin that needs it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/io.js';

const MODEL = resolve('models/stories260k');
const DATA = resolve('examples/data/tiny-alpaca.jsonl');
const HOOKS = resolve('tests/fixtures/plugins/step-hooks.ts');

interface Seen {
  runBegin: { train: number; val: number; tokenizer: boolean; steps: number };
  transformed: [number, number][];
  trainEnd: { step: number; reason: string; error?: { code: string; message: string } };
}

describe('plugin-host: the training-step hooks in a run', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'step-hooks-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const write = (options: string, extra = ''): string => {
    const file = join(dir, 'recipe.yaml');
    writeFileSync(
      file,
      `recipe_version: 1
model: { base: ${MODEL} }
data:
  datasets: [{ path: ${DATA}, format: alpaca }]
  sequence_len: 256
  val_set_size: 10
method: { kind: lora, lora: { r: 4, alpha: 8, target_modules: [q_proj, v_proj] } }
optimizer: { name: sgd, lr: 1.0e-9 }
schedule: { name: constant }
training: { max_steps: 3, micro_batch_size: 4, gradient_accumulation_steps: 2 }
logging: { steps: 1, progress: none, jsonl: true }
output: { dir: out }
plugins:
  - use: ${HOOKS}
    options: ${options}
${extra}`,
    );
    return file;
  };
  const run = async (file: string, ...args: string[]): Promise<{ code: number; err: string; seen: Seen; lines: Record<string, unknown>[] }> => {
    const io = captureIO(dir);
    const code = await main(['run', file, ...args], io);
    const out = join(dir, 'out');
    const seen = JSON.parse(readFileSync(join(out, 'step-hooks.json'), 'utf8')) as Seen;
    const lines = readFileSync(join(out, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    return { code, err: io.err(), seen, lines };
  };
  const losses = (lines: Record<string, unknown>[]): number[] => lines.filter((l) => l['type'] === 'train').map((l) => l['loss'] as number);

  it('runBegin sees the prepared data; transformBatch runs per micro-batch and what it returns is trained; records reach metrics.jsonl', async () => {
    const plain = await run(write('{}'));
    assert.equal(plain.code, 0, plain.err);
    assert.deepEqual(plain.seen.runBegin, { train: 40, val: 10, tokenizer: true, steps: 3 });
    assert.deepEqual(plain.seen.transformed, [[0, 0], [0, 1], [1, 0], [1, 1], [2, 0], [2, 1]]);
    assert.deepEqual(plain.seen.trainEnd, { step: 3, reason: 'completed', outputDir: join(dir, 'out') });
    const logs = plain.lines.filter((l) => l['type'] === 'log');
    // After LoRA built itself in (plugins run in order): embedding, 5 × 9 layer tensors, the final norm, 5 × 2 × (A, B).
    assert.deepEqual(logs, [{ type: 'log', event: 'prepared', parameters: 1 + 5 * 9 + 1 + 5 * 2 * 2 }, { type: 'log', event: 'exported', kinds: 'adapter' }]);
    const a = losses(plain.lines);
    assert.equal(new Set(a).size, 3, 'different rows, different losses');

    // Replaying the first micro-batch everywhere (at an lr too small to move the weights): every step's loss is that batch's.
    rmSync(join(dir, 'out'), { recursive: true });
    const replay = await run(write('{ replay: true }'));
    assert.equal(replay.code, 0, replay.err);
    const b = losses(replay.lines);
    assert.ok(b.every((l) => Math.abs(l - b[0]!) < 1e-6), b.join(', '));
  });

  it('paramGroups: a plugin’s group (LoRA B at 16× the lr) is in the plan and in the update the optimizer applies', async () => {
    const file = write('{ bScale: 16 }');
    const planned = captureIO(dir);
    assert.equal(await main(['plan', '--format', 'json', file], planned), 0, planned.err());
    const groups = (JSON.parse(planned.out()) as { optimizer: { groups: { name: string; lrScale: number; tensors: number }[] } }).optimizer.groups;
    assert.deepEqual(groups.map((g) => [g.name, g.lrScale, g.tensors]), [['decay', 1, 10], ['no_decay', 1, 0], ['lora_B', 16, 10]]);
    // SGD without clipping: the applied update is −lr · lrScale · gradient (B starts at 0, so exactly that).
    const r = await run(file, 'optimizer.lr=0.1', 'training.max_grad_norm=0');
    assert.equal(r.code, 0, r.err);
    const off = (r.seen as unknown as { firstUpdate: { a: number; b: number } }).firstUpdate;
    assert.ok(off.b < 1e-6, `B moved by lr·16·g to ${off.b} relative error`);
    assert.equal(off.a, 0); // A's gradient is 0 while B is 0
  });

  it('trainEnd fires when a plugin fails and when the loss turns NaN, with the reason and the diagnostic', async () => {
    const failed = await run(write('{ failAtStep: 2 }'));
    assert.equal(failed.code, 1);
    assert.match(failed.err, /PLUGIN_HOOK_FAILED .*step-hooks.*stepEnd.*failing at step 2 as asked/);
    assert.deepEqual([failed.seen.trainEnd.reason, failed.seen.trainEnd.step, failed.seen.trainEnd.error?.code], ['failed', 2, 'PLUGIN_HOOK_FAILED']);
    assert.deepEqual(failed.lines.at(-1), { type: 'end', ...failed.seen.trainEnd });

    rmSync(join(dir, 'out'), { recursive: true });
    const nan = await run(write('{ nanAtStep: 1 }'));
    assert.equal(nan.code, 1);
    assert.match(nan.err, /TRAIN_NON_FINITE_LOSS the loss became NaN at step 2/);
    assert.deepEqual([nan.seen.trainEnd.reason, nan.seen.trainEnd.step, nan.seen.trainEnd.error?.code], ['non_finite_loss', 1, 'TRAIN_NON_FINITE_LOSS']);
  });

  it('a runner that does not call a hook refuses the plugin that implements it, at its recipe entry', async () => {
    const runner = join(dir, 'other-runner.ts');
    writeFileSync(
      runner,
      `import { definePlugin } from ${JSON.stringify(resolve('src/plugin-api.ts'))};
export default definePlugin({
  name: 'other-runner', version: '0.0.0',
  backends: [{ name: 'elsewhere', summary: 'a runner in another process', autoOrder: null, runner: 'remote', copies: { transposedWeights: false, packedWeights: false, reserveBytes: 0, activationScale: 1 }, heapLimitBytes: null, probe: () => ({ available: true, reason: 'always' }) }],
  runners: [{ name: 'remote', honours: ['createOptimizer'], create: () => { throw new Error('never reached'); } }],
});
`,
    );
    const file = write('{}', `  - use: ./other-runner.ts\nengine: { backend: elsewhere }\n`);
    const io = captureIO(dir);
    const code = await main(['run', file], io);
    assert.equal(code, 1);
    const heads = io.err().split('\n').filter((l) => l.includes('RUNNER_HOOK_UNSUPPORTED'));
    // Plan hooks (paramGroups) and notifications (runBegin, stepEnd, trainEnd) are the shared side's, whatever the runner.
    assert.deepEqual(
      heads.map((l) => l.replace(/^.*recipe\.yaml:/, '')),
      ['14:5: error RUNNER_HOOK_UNSUPPORTED plugin `step-hooks` needs the `prepareModel` hook, which the `remote` runner does not call', '14:5: error RUNNER_HOOK_UNSUPPORTED plugin `step-hooks` needs the `transformBatch` hook, which the `remote` runner does not call', '14:5: error RUNNER_HOOK_UNSUPPORTED plugin `step-hooks` needs the `lossTerms` hook, which the `remote` runner does not call', '14:5: error RUNNER_HOOK_UNSUPPORTED plugin `step-hooks` needs the `afterOptimizerStep` hook, which the `remote` runner does not call', '14:5: error RUNNER_HOOK_UNSUPPORTED plugin `step-hooks` needs the `exportOutputs` hook, which the `remote` runner does not call'],
    );
    assert.match(io.err(), /expected hooks the remote runner calls: createOptimizer/);
  });
});
