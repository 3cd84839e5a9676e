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
import { DenseLinear } from '../src/models/layers/linear.js';
import { quantizeDense } from '../src/quant/index.js';
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
  if (shape.quant) {
    // The qlora plugin's rule: every dense projection (not the head) becomes a frozen NF4 slot.
    for (const m of model.modules()) {
      const slot = m.kind === 'linear' ? model.linear(m.path) : null;
      if (slot?.impl instanceof DenseLinear) model.replaceLinear(m.path, quantizeDense(slot.impl, { quantType: shape.quant.type, blocksize: shape.quant.blocksize, compressStatistics: shape.quant.doubleQuant }));
    }
  }
  if (shape.lora) applyLora(model, { r: shape.lora.r, alpha: shape.lora.alpha, dropout: 0, rslora: false, targetModules: shape.lora.targets, bias: 'none', modulesToSave: [], init: 'default', seed: 1 });
  const params = model
    .namedParameters()
    .filter(([, p]) => p.trainable)
    .map(([name, p]) => ({ name, variable: p.variable }));
  const opt = new AdamW({ betas: [0.9, 0.999], eps: 1e-8 });
  const ids = benchTokens(shape.batch, shape.seq, vocab);
  const batch = { input_ids: ids, attention_mask: ids.map((r) => r.map(() => 1)), labels: ids };
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
result['tensorBytes'] = tf.memory().numBytes;
process.stdout.write(`BENCH ${JSON.stringify(result)}\n`);

