import assert from 'node:assert/strict';
import { initEngine, tf } from '../../src/engine/index.js';
import { DenseLinear } from '../../src/models/layers/linear.js';
import { Parameter } from '../../src/models/layers/parameter.js';
import { causalLmLoss, loadModel, type CausalLM } from '../../src/models/index.js';
import { Nf4Linear, quantizeDense } from '../../src/models/index.js';
import { AdamW } from '../../src/train/optim/adamw.js';
import { applyLora } from '../../plugins/lora/apply.js';

/** `Once upon a time, there was a little girl named Lily. She loved to play outside in the park with her friends.` */
const STORY = [1, 403, 407, 261, 378, 432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401, 396, 267, 337, 410, 408, 419, 292, 411, 322, 265, 282, 295, 433, 335, 311, 374, 419, 426];

function lossOf(model: CausalLM, ids: number[]): number {
  return tf.tidy(() => causalLmLoss(model.forward([ids]), [ids]).loss.dataSync()[0] as number);
}

describe('quant: QLoRA on the real tiny Llama (models/stories260k)', () => {
  let model: CausalLM;
  let ids: number[];
  let lossF32: number;
  before(async () => {
    await initEngine('wasm');
    model = await loadModel('models/stories260k');
    ids = STORY;
    lossF32 = lossOf(model, ids);
  });
  after(() => model.dispose?.());

  it('every projection swaps to NF4 (double quant) through replaceLinear and computes exactly the dequantized dense model', () => {
    const linears = model.modules().filter((m) => m.kind === 'linear');
    assert.equal(linears.length, 5 * 7);
    // First the reference: the same model with each weight replaced by its dequantized float32 values.
    const quantized = new Map<string, Nf4Linear>();
    const originals = new Map<string, DenseLinear>();
    for (const m of linears) {
      const dense = model.linear(m.path).impl;
      assert.ok(dense instanceof DenseLinear);
      const copy = new DenseLinear(dense.layout, new Parameter(dense.weight.name, tf.clone(dense.weight.value), false), null);
      const q = quantizeDense(copy, { quantType: 'nf4', compressStatistics: true });
      quantized.set(m.path, q);
      originals.set(m.path, dense);
      const [o, i] = q.quantized.state.shape as [number, number];
      model.replaceLinear(m.path, new DenseLinear('linear', new Parameter(dense.weight.name, tf.tensor2d(q.weightOutIn(), [o, i]), false), null));
    }
    const lossDequantDense = lossOf(model, ids);
    for (const [path, q] of quantized) model.replaceLinear(path, q).dispose();
    for (const d of originals.values()) d.dispose();
    assert.equal(model.linear('model.layers.0.mlp.down_proj').impl.kind, 'nf4');
    const lossNf4 = lossOf(model, ids);
    assert.ok(Math.abs(lossNf4 - lossDequantDense) < 1e-5, `NF4 ${lossNf4} vs dequantized dense ${lossDequantDense}`);
    // Quantization error itself: measured +0.063 nats on this sentence for this 260K-parameter model (hidden 64).
    assert.ok(lossNf4 > lossF32 && lossNf4 - lossF32 < 0.1, `NF4 loss ${lossNf4} vs float32 ${lossF32}`);
  });

  it('LoRA adapters on the 4-bit base start at the NF4 loss and train it down', () => {
    const lossNf4 = lossOf(model, ids);
    const lora = applyLora(model, { r: 4, alpha: 8, dropout: 0, rslora: false, targetModules: ['q_proj', 'v_proj'], bias: 'none', modulesToSave: [], init: 'default', seed: 3 });
    assert.equal(lora.targets.length, 10);
    const impl = model.linear('model.layers.0.self_attn.q_proj').impl;
    assert.equal(impl.kind, 'nf4+lora');
    assert.equal(lossOf(model, ids), lossNf4, 'B = 0: the adapter starts as a no-op');
    const vars = model.trainableVariables();
    assert.equal(vars.length, 20);
    const params = model.namedParameters().filter(([, p]) => p.trainable).map(([name, p]) => ({ name, variable: p.variable }));
    const opt = new AdamW({ betas: [0.9, 0.999], eps: 1e-8 });
    const losses: number[] = [];
    for (let step = 0; step < 8; step++) {
      const { value, grads } = tf.variableGrads(() => causalLmLoss(model.forward([ids]), [ids]).loss, vars);
      losses.push(value.dataSync()[0] as number);
      const byName = new Map(params.map((p) => [p.name, grads[p.variable.name] as tf.Tensor]));
      opt.step([{ params, weightDecay: 0 }], byName, 1e-2);
      tf.dispose([value, ...Object.values(grads)]);
    }
    assert.ok((losses[7] as number) < 0.9 * (losses[0] as number), `loss ${losses.map((l) => l.toFixed(3)).join(' → ')}`);
    assert.ok((impl as { base?: unknown }).base instanceof Nf4Linear);
  });
});
