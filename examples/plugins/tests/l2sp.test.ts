import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { type CausalLM, type LossInput, Parameter, type RunContext, initEngine, openRecipe, runRecipe, tf } from 'tunekit';
import { builtinPlugins } from 'tunekit/plugins';
import { l2spRuntime } from '../l2sp/runtime.js';
import { ALPACA, PLUGINS, STORIES, recorded, scratch, trainLines, tune } from './helpers.js';

const sumSquares = (xs: readonly number[]): number => xs.reduce((s, x) => s + x * x, 0);
const close = (a: number, b: number, rel: number, what: string): void => assert.ok(Math.abs(a - b) <= rel * Math.abs(b), `${what}: ${a} vs ${b}`);

describe('examples/plugins/l2sp', () => {
  before(async () => {
    await initEngine('cpu');
  });

  it('the term and its gradient against a hand computation: λ·‖θ − θ₀‖² / micro-batches', async () => {
    const w = new Parameter('w', tf.tensor1d([1, 2, 3]), true);
    const frozen = new Parameter('frozen', tf.tensor1d([5]), false);
    const model = { namedParameters: () => [['w', w], ['frozen', frozen]] } as unknown as CausalLM;
    const ctx = { recipe: { regularization: { kind: 'l2sp', lambda: 0.1 } }, plan: { tensors: [{ name: 'w', trainable: true }, { name: 'frozen', trainable: false }] }, log: () => {} } as unknown as RunContext;
    const rt = await l2spRuntime(model, ctx);
    w.assign(tf.tensor1d([1.5, 1.5, 3])); // θ − θ₀ = [0.5, −0.5, 0]
    const input = { params: new Map([['w', w]]), microBatches: 2 } as unknown as LossInput;
    const { value, grads } = tf.variableGrads(() => rt.lossTerms(new Map(), input).get('l2sp')!, [w.variable]);
    // 0.1 · (0.25 + 0.25) / 2; ∂/∂θ = 2 · 0.1 · (θ − θ₀) / 2.
    close((await value.data())[0]!, 0.025, 1e-7, 'term');
    const g = Array.from(await grads[w.variable.name]!.data());
    [0.05, -0.05, 0].forEach((want, i) => close(g[i]!, want, 1e-6, `grad[${i}]`));
    rt.dispose();
  });

  describe('in a recipe', () => {
    const tmp = scratch();
    const recipe = (regularization: string, opts: { plugins?: string[]; name?: string } = {}): string =>
      tmp.write(
        opts.name ?? 'recipe.yaml',
        `recipe_version: 1
plugins:
${(opts.plugins ?? [PLUGINS.l2sp, PLUGINS.lion, PLUGINS.record]).map((p) => `  - use: ${p}`).join('\n')}
model: { base: ${STORIES} }
data:
  datasets: [{ path: ${ALPACA}, format: alpaca }]
  sequence_len: 256
method:
  kind: lora
  lora: { r: 4, alpha: 8, target_modules: [q_proj, v_proj] }
optimizer: { name: lion, lr: 1.0e-3 }
schedule: { name: constant }
${regularization}
training: { max_steps: 3, micro_batch_size: 4, gradient_accumulation_steps: 2 }
logging: { steps: 1, progress: plain, jsonl: true, tensorboard: true }
output: { dir: out, save_steps: 1 }
`,
      );

    it('validates `regularization` with positions, and says where a loss term comes from when no plugin registers it', async () => {
      const range = await tune(['validate', recipe('regularization: { kind: l2sp, lambda: -1 }')]);
      assert.equal(range.code, 1);
      assert.match(range.err, /recipe\.yaml:15:39: error RECIPE_RANGE `regularization\.lambda` must be > 0/);
      const typo = await tune(['validate', recipe('regularization: { kind: l2sp, lamda: 0.1 }')]);
      assert.match(typo.err, /recipe\.yaml:15:31: error RECIPE_UNKNOWN_KEY unknown key `lamda` in `regularization`[^]*hint: did you mean `lambda`\?/);
      const other = await tune(['validate', recipe('regularization: { kind: ewc }')]);
      assert.match(other.err, /recipe\.yaml:15:25: error RECIPE_ENUM `regularization\.kind` must be one of `l2sp`[^]*hint: no plugin of this recipe registers `ewc`: if a plugin provides it, add the plugin to `plugins:`/);
      const without = await tune(['validate', recipe('regularization: { kind: l2sp }', { plugins: [PLUGINS.lion] })]);
      assert.match(without.err, /recipe\.yaml:13:1: error RECIPE_UNKNOWN_KEY unknown key `regularization`[^]*hint: no plugin of this recipe registers a loss term: add the plugin that provides one to `plugins:`/);
    });

    it('appears in the plan: its summary and θ₀ in the memory budget', async () => {
      const r = await tune(['plan', '--format', 'json', recipe('regularization: { kind: l2sp, lambda: 0.5 }')]);
      assert.equal(r.code, 0, r.err);
      const plan = JSON.parse(r.out) as { method: { summary: string[] }; parameters: { trainable: number }; memory: { pluginState: number; state: { label: string; bytes: number }[] } };
      const n = plan.parameters.trainable;
      assert.equal(n, 5 * 4 * (64 + 64 + (64 + 32))); // 5 layers × r 4 × (q: in 64 + out 64; v: in 64 + out 4 kv heads × 8)
      assert.deepEqual(plan.memory.state, [{ label: 'L2-SP θ₀', bytes: 4 * n }]);
      assert.equal(plan.memory.pluginState, 4 * n);
      assert.ok(plan.method.summary.includes(`L2-SP: λ = 0.5 × ‖θ − θ₀‖² over ${n.toLocaleString('en-US')} trainable parameters`), plan.method.summary.join(' | '));
    });

    it('trains: 0 at the start, then λ·‖Σ updates‖² of the steps so far, logged apart from the token loss; θ₀ survives a resume', async () => {
      const file = recipe('regularization: { kind: l2sp, lambda: 0.5 }');
      const r = await tune(['run', file]);
      assert.equal(r.code, 0, r.err);
      const out = join(tmp.dir(), 'out');
      const lines = trainLines(out);
      assert.deepEqual(lines.map((l) => l.step), [1, 2, 3]);
      const updates = recorded(out).steps;
      const drift = new Map<string, number[]>();
      for (const [i, line] of lines.entries()) {
        const terms = line.lossTerms!;
        assert.deepEqual(Object.keys(terms).sort(), ['ce', 'l2sp']);
        close(terms['ce']! + terms['l2sp']!, line.loss, 1e-6, `step ${line.step} loss = ce + l2sp`);
        // Before step k the parameters have moved by the sum of the k − 1 updates applied so far.
        const expected = 0.5 * [...drift.values()].reduce((s, d) => s + sumSquares(d), 0);
        if (i === 0) assert.equal(terms['l2sp'], 0);
        else close(terms['l2sp']!, expected, 1e-5, `step ${line.step} l2sp`);
        for (const [name, applied] of Object.entries(updates[i]!.applied)) drift.set(name, applied.map((a, j) => (drift.get(name)?.[j] ?? 0) + a));
      }
      // The terms in the progress line and in TensorBoard.
      assert.match(r.out, /step 2\/3 \|[^\n]* loss \d+\.\d{4} \(ce \d+\.\d{4} \+ l2sp \d\.\d{4}\)/);
      const runs = join(out, 'runs', 'recipe');
      const events = readFileSync(join(runs, readdirSync(runs).find((f) => f.startsWith('events.out.tfevents.'))!)).toString('latin1');
      for (const tag of ['train/loss', 'train/loss_terms/ce', 'train/loss_terms/l2sp']) assert.ok(events.includes(tag), tag);
      // Lion moves each entry by ±lr: after one step, ‖θ − θ₀‖² = lr² × the entries that moved.
      const moved = Object.values(updates[0]!.applied).flat().filter((a) => a !== 0).length;
      close(lines[1]!.lossTerms!['l2sp']!, 0.5 * 1e-6 * moved, 1e-5, 'step 2 by hand');

      // The same run stopped after step 1 and resumed: θ₀ is the start of training, not the checkpoint.
      const again = recipe('regularization: { kind: l2sp, lambda: 0.5 }', { name: 'resumed/recipe.yaml' });
      const sink = new Writable({ write: (_c, _e, cb) => cb() });
      const { recipe: resolved, plugins } = await openRecipe(again, { catalog: builtinPlugins() });
      const first = await runRecipe(resolved, { plugins, stdout: sink, env: { CI: '1' }, cwd: tmp.dir(), stopAfterSteps: 1 });
      assert.equal(first.reason, 'interrupted');
      const resumed = await tune(['run', again, '--resume', 'latest']);
      assert.equal(resumed.code, 0, resumed.err);
      const after = trainLines(join(tmp.dir(), 'resumed', 'out'));
      assert.deepEqual(after.map((l) => [l.step, l.loss, l.lossTerms]), lines.map((l) => [l.step, l.loss, l.lossTerms]));
    });
  });
});
