/**
 * QLoRA memory and accuracy on a Llama-shaped random model (~340M parameters):
 * resident bytes of the base projections dense vs NF4, the loss of the NF4 forward vs float32, and
 * the peak RSS of one LoRA vs one QLoRA training step (each in its own process).
 *
 * Run: node --import tsx bench/qlora.ts [--backend cpu|wasm|native] [--seq 128]
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';
import { initEngine, tf, type BackendName } from '../src/engine/index.js';
import { parseModelConfig } from '../src/models/catalog.js';
import { randomModel } from '../src/models/load.js';
import { causalLmLoss } from '../src/models/loss.js';
import { DenseLinear } from '../src/models/layers/linear.js';
import { quantizeDense } from '../src/models/index.js';
import { quantizedBytes } from '../src/quant/index.js';
import { applyLora } from '../plugins/lora/apply.js';
import { AdamW } from '../src/train/optim/adamw.js';

const { values } = parseArgs({ options: { backend: { type: 'string', default: 'cpu' }, seq: { type: 'string', default: '128' }, step: { type: 'string' } } });
const CONFIG = { model_type: 'llama', hidden_size: 1024, intermediate_size: 2816, num_hidden_layers: 24, num_attention_heads: 16, num_key_value_heads: 16, vocab_size: 32000, tie_word_embeddings: true, max_position_embeddings: 2048 };
const T = Number(values.seq);
const ids = [Array.from({ length: T }, (_, t) => (t * 7919 + 13) % 32000)];

async function build(quantize: boolean) {
  await initEngine(values.backend as BackendName);
  const model = randomModel(parseModelConfig(CONFIG), { seed: 1 });
  let dense = 0;
  let packed = 0;
  for (const m of model.modules()) {
    if (m.kind !== 'linear') continue;
    dense += m.inFeatures * m.outFeatures * 4;
    if (quantize) {
      const slot = model.linear(m.path);
      const q = quantizeDense(slot.impl as DenseLinear, { quantType: 'nf4', blocksize: 64, compressStatistics: true });
      packed += quantizedBytes(q.quantized);
      model.replaceLinear(m.path, q);
    }
  }
  return { model, dense, packed };
}

function loss(model: Awaited<ReturnType<typeof build>>['model']): number {
  return tf.tidy(() => causalLmLoss(model.forward(ids), ids).loss.dataSync()[0] as number);
}

if (values.step) {
  // Child: one LoRA (r 8 on q,v) training step on a dense or NF4 base; report peak RSS.
  const { model } = await build(values.step === 'qlora');
  const lora = applyLora(model, { r: 8, alpha: 16, dropout: 0, rslora: false, targetModules: ['q_proj', 'v_proj'], bias: 'none', modulesToSave: [], init: 'default', seed: 0 });
  void lora;
  const params = model.namedParameters().filter(([, p]) => p.trainable).map(([name, p]) => ({ name, variable: p.variable }));
  const opt = new AdamW({ betas: [0.9, 0.999], eps: 1e-8 });
  const t0 = Date.now();
  const { value, grads } = tf.variableGrads(() => causalLmLoss(model.forward(ids), ids).loss, params.map((p) => p.variable));
  const named = new Map(params.map((p) => [p.name, grads[p.variable.name] as tf.Tensor]));
  opt.step([{ params, weightDecay: 0 }], named, 1e-4);
  const secs = (Date.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({ method: values.step, loss: value.dataSync()[0], stepSeconds: secs, maxRssMiB: process.resourceUsage().maxRSS / 1024 }) + '\n');
} else {
  const dense = await build(false);
  const lossF32 = loss(dense.model);
  // Same seed → same weights; quantize a second copy.
  const q = await build(true);
  const lossNf4 = loss(q.model);
  const nParams = dense.dense / 4;
  console.log(`base projections: ${(nParams / 1e6).toFixed(1)}M parameters`);
  console.log(`  float32: ${(dense.dense / 2 ** 20).toFixed(1)} MiB (4 byte/param)`);
  console.log(`  NF4 + double quant: ${(q.packed / 2 ** 20).toFixed(1)} MiB (${(q.packed / nParams).toFixed(4)} byte/param)`);
  console.log(`loss on a ${T}-token sequence: float32 ${lossF32.toFixed(5)}, NF4 ${lossNf4.toFixed(5)} (difference ${(lossNf4 - lossF32).toExponential(2)})`);
  dense.model.dispose();
  q.model.dispose();
  for (const method of ['lora', 'qlora']) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', 'bench/qlora.ts', '--step', method, '--backend', String(values.backend), '--seq', String(T)], { encoding: 'utf8' });
    console.log(`${method} step: ${r.stdout.trim() || r.stderr.trim().split('\n').slice(-3).join(' ')}`);
  }
}
