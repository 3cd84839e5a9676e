/**
 * One benchmark measurement in a fresh process (so peak RSS is this case's alone):
 * `node --import tsx bench/measure.ts <shape-id> <backend> [steps]` prints one JSON line.
 */
import { initEngine, liveBufferBytes } from '../src/engine/index.js';
import { generate } from '../src/generate/index.js';
import { accumulateGradients } from '../src/train/step.js';
import { AdamW } from '../src/train/optim/adamw.js';
import { SHAPES, benchTokens } from './shapes.js';
import { benchModel, benchTraining } from './setup.js';
import type { BackendName } from '../src/engine/index.js';

const [id, backendArg, stepsArg] = process.argv.slice(2);
const shape = SHAPES.find((s) => s.id === id);
if (!shape) throw new Error(`unknown shape ${id}`);
const steps = stepsArg ? Number(stepsArg) : shape.steps;
const threads = process.env['TUNEKIT_THREADS'] ? Number(process.env['TUNEKIT_THREADS']) : null;
const engine = await initEngine((backendArg ?? 'auto') as BackendName, { threads });

const t0 = performance.now();
const { model, vocab, checkpointing } = await benchModel(shape, engine.backend);
const loadSeconds = (performance.now() - t0) / 1000;

const result: Record<string, unknown> = { shape: shape.id, backend: engine.backend, engine: engine.message, steps, loadSeconds, checkpointing };
if (shape.kind === 'generate') {
  const prompt = benchTokens(1, shape.seq, vocab)[0]!;
  await generate(model, prompt, { maxNewTokens: 2 });
  const t = performance.now();
  const r = await generate(model, prompt, { maxNewTokens: steps });
  const s = (performance.now() - t) / 1000;
  Object.assign(result, { tokens: r.tokens.length, seconds: s, tokensPerSecond: r.tokens.length / s });
} else {
  const { params, batch } = benchTraining(shape, model, vocab);
  const opt = new AdamW({ betas: [0.9, 0.999], eps: 1e-8 });
  const times: number[] = [];
  const losses: number[] = [];
  for (let i = 0; i <= steps; i++) {
    const t = performance.now();
    const { loss, grads } = accumulateGradients(model, params, [batch]);
    opt.step([{ params, weightDecay: 0 }], grads, 1e-4);
    for (const g of grads.values()) g.dispose();
    if (i > 0) times.push((performance.now() - t) / 1000);
    losses.push(loss);
  }
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  Object.assign(result, {
    trainable: params.reduce((n, p) => n + p.variable.size, 0),
    stepSeconds: times,
    losses,
    tokensPerSecond: (shape.batch * shape.seq) / mean,
  });
}
result['peakRssBytes'] = process.resourceUsage().maxRSS * 1024;
result['tensorBytes'] = liveBufferBytes();
process.stdout.write(`BENCH ${JSON.stringify(result)}\n`);

