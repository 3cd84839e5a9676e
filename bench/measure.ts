/**
 * One benchmark measurement in a fresh process (so peak RSS is this case's alone):
 * `node --import tsx bench/measure.ts <shape-id> <backend> [steps]` prints one JSON line.
 */
import { initEngine, tf } from '../src/engine/index.js';
import { loadModel, parseModelConfig, randomModel, type CausalLM } from '../src/models/index.js';
import { generate } from '../src/generate/index.js';
import { accumulateGradients } from '../src/train/step.js';
import { AdamW } from '../src/train/optim/adamw.js';
import { applyLora } from '../plugins/lora/apply.js';
import { SHAPES, benchTokens } from './shapes.js';
import { tokenCrossEntropy } from '../src/engine/native/cross-entropy.js';
import type { BackendName } from '../src/engine/index.js';

const [id, backendArg, stepsArg] = process.argv.slice(2);
const shape = SHAPES.find((s) => s.id === id);
if (!shape) throw new Error(`unknown shape ${id}`);
const steps = stepsArg ? Number(stepsArg) : shape.steps;
const threads = process.env['TUNEKIT_THREADS'] ? Number(process.env['TUNEKIT_THREADS']) : null;
const engine = await initEngine((backendArg ?? 'auto') as BackendName, { threads });

const t0 = performance.now();
const full = shape.method === 'full';
let model: CausalLM;
if (shape.modelDir) model = await loadModel(shape.modelDir, { trainable: full });
else model = randomModel(parseModelConfig(shape.config), { seed: 1, trainable: full });
// Transposed weight copies only help wasm (its transposed matmul copies); SGEMM reads either layout.
if (engine.backend === 'native' || engine.backend === 'cpu') model.setTransposeCache(false);
// The wasm heap (4 GiB) only holds 100M+ models' activations with layer checkpointing, as a user would run it.
const checkpointing = engine.backend === 'wasm' && shape.modelDir === undefined && shape.kind === 'train';
model.setGradientCheckpointing(checkpointing);
const loadSeconds = (performance.now() - t0) / 1000;
const vocab = Number((model.config as { vocabSize?: number }).vocabSize ?? shape.config?.['vocab_size'] ?? 512);

const result: Record<string, unknown> = { shape: shape.id, backend: engine.backend, engine: engine.message, steps, loadSeconds, checkpointing };
if (shape.kind === 'generate') {
  const prompt = benchTokens(1, shape.seq, vocab)[0]!;
  await generate(model, prompt, { maxNewTokens: 2 });
  const t = performance.now();
  const r = await generate(model, prompt, { maxNewTokens: steps });
  const s = (performance.now() - t) / 1000;
  Object.assign(result, { tokens: r.tokens.length, seconds: s, tokensPerSecond: r.tokens.length / s });
} else {
  if (shape.lora) applyLora(model, { r: shape.lora.r, alpha: shape.lora.alpha, dropout: 0, rslora: false, targetModules: shape.lora.targets, bias: 'none', modulesToSave: [], init: 'default', seed: 1 });
  const params = model
    .namedParameters()
    .filter(([, p]) => p.trainable)
    .map(([name, p]) => ({ name, variable: p.variable }));
  const opt = new AdamW({ betas: [0.9, 0.999], eps: 1e-8 });
  const ids = benchTokens(shape.batch, shape.seq, vocab);
  const batch = { input_ids: ids, attention_mask: ids.map((r) => r.map(() => 1)), labels: ids };
  // BENCH_FUSED_LOSS=1: the model-level change proposed for src/models/loss.ts (fused token
  // cross-entropy from src/engine/native/cross-entropy.ts), to measure what it would buy.
  const fusedLoss = process.env['BENCH_FUSED_LOSS'] === '1';
  result['fusedLoss'] = fusedLoss;
  const times: number[] = [];
  const losses: number[] = [];
  for (let i = 0; i <= steps; i++) {
    const t = performance.now();
    const { loss, grads } = fusedLoss ? fusedStep(model, params, ids) : accumulateGradients(model, params, [batch]);
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
result['tensorBytes'] = tf.memory().numBytes;
process.stdout.write(`BENCH ${JSON.stringify(result)}\n`);

function fusedStep(m: CausalLM, params: { name: string; variable: tf.Variable }[], ids: number[][]): { loss: number; grads: Map<string, tf.Tensor> } {
  const vars = params.map((p) => p.variable);
  const nameOf = new Map(params.map((p) => [p.variable.name, p.name]));
  const [B, T] = [ids.length, ids[0]!.length];
  const targets = Int32Array.from(ids.flatMap((r) => r.slice(1)));
  const { value, grads } = tf.variableGrads(() => {
    const logits = m.forward(ids);
    const V = logits.shape[2];
    const rows = tf.reshape(tf.slice(logits, [0, 0, 0], [B, T - 1, V]), [B * (T - 1), V]) as tf.Tensor2D;
    return tf.div(tf.sum(tokenCrossEntropy(rows, targets)), targets.length) as tf.Scalar;
  }, vars);
  const loss = (value.dataSync() as Float32Array)[0]!;
  value.dispose();
  return { loss, grads: new Map(Object.entries(grads).map(([k, g]) => [nameOf.get(k) ?? k, g])) };
}
