/**
 * The fused attention softmax (src/engine/fused-attention.ts): on 'native' one kernel each way,
 * matching the multiply / add bias / add mask / softmax composition on the pure-JS cpu backend in
 * value and in the gradient to the scores, for broadcast masks (padding, causal), per-head and
 * per-batch position biases and fully masked rows; other backends run the composition itself.
 */
import { strict as assert } from 'node:assert';
import { attentionSoftmaxOp, initEngine, tf } from '../../../src/engine/index.js';
import { composedAttentionSoftmax } from '../../../src/engine/fused-attention.js';
import { broadcastStrides } from '../../../src/engine/native/fused-attention.js';
import { seededValues } from '../../helpers/seeded.js';
import { requireNative } from '../../helpers/native.js';

const NEG = -3.4028234663852886e38; // torch.finfo(float32).min, the models' mask value

const values = (n: number, seed: number, scale = 3): Float32Array => seededValues(n, seed, scale);

/** A causal + padding mask [B, 1, T, S]: batch b pads its first b keys; row 0 of batch 1 sees nothing. */
function mask(B: number, T: number, S: number): Float32Array {
  const m = new Float32Array(B * T * S);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++)
      for (let s = 0; s < S; s++) if (s > t + (S - T) || s < b || (b === 1 && t === 0)) m[(b * T + t) * S + s] = NEG;
  return m;
}

interface Case {
  name: string;
  shape: [number, number, number, number];
  mask?: number[];
  bias?: number[];
}

const CASES: Case[] = [
  { name: 'no mask, no bias', shape: [1, 2, 3, 5] },
  { name: 'padding + causal mask [B,1,T,S]', shape: [2, 3, 5, 7], mask: [2, 1, 5, 7] },
  { name: 'shared mask [1,1,T,S] + ALiBi [1,H,1,S]', shape: [2, 4, 6, 6], mask: [1, 1, 6, 6], bias: [1, 4, 1, 6] },
  { name: 'per-batch bias [B,H,1,S] (BLOOM) + mask', shape: [2, 3, 4, 9], mask: [2, 1, 4, 9], bias: [2, 3, 1, 9] },
  { name: 'one query row (generation)', shape: [3, 2, 1, 33], mask: [3, 1, 1, 33] },
];

function run(c: Case, fused: boolean): Float32Array[] {
  return tf.tidy(() => {
    const [B, , T, S] = c.shape;
    const x = tf.tensor(values(c.shape.reduce((a, b) => a * b, 1), 1), c.shape);
    const m = c.mask ? tf.tensor(c.mask[0] === B ? mask(B, T, S) : mask(1, T, S), c.mask) : null;
    const b = c.bias ? tf.tensor(values(c.bias.reduce((p, q) => p * q, 1), 2, 1), c.bias) : null;
    const dy = tf.tensor(values(x.size, 3), c.shape);
    const f = (s: tf.Tensor): tf.Tensor => (fused ? attentionSoftmaxOp(s, 0.37, b, m) : composedAttentionSoftmax(s, 0.37, b, m));
    const y = f(x);
    const g = tf.grad((s: tf.Tensor) => tf.sum(tf.mul(f(s), dy)))(x);
    return [y.dataSync() as Float32Array, g.dataSync() as Float32Array];
  });
}

describe('fused attention softmax', function () {
  this.timeout(30_000);

  it('broadcastStrides: element strides over (b, h, t), zero on broadcast axes', () => {
    assert.deepEqual([...broadcastStrides([2, 1, 5, 7])], [35, 0, 7]);
    assert.deepEqual([...broadcastStrides([1, 4, 1, 6])], [0, 6, 0]);
    assert.deepEqual([...broadcastStrides([2, 3, 4, 9])], [108, 36, 9]);
  });

  for (const c of CASES) {
    it(`${c.name}: native value and score gradient equal the composition on cpu`, async function () {
      requireNative(this);
      await initEngine('cpu');
      const want = run(c, false);
      await initEngine('native');
      const profile = await tf.profile(() => run(c, true));
      assert.ok(profile.kernelNames.includes('TunekitAttnSoftmax') && profile.kernelNames.includes('TunekitAttnSoftmaxGrad'), `kernels ran: ${profile.kernelNames.join(', ')}`);
      const got = run(c, true);
      for (const k of [0, 1]) {
        let worst = 0;
        for (let i = 0; i < want[k]!.length; i++) worst = Math.max(worst, Math.abs(got[k]![i]! - want[k]![i]!));
        assert.ok(worst <= 2e-6, `${k === 0 ? 'value' : 'gradient'}: max |Δ| ${worst}`);
      }
      // Rows sum to 1, including the fully masked one (uniform, as the composition gives).
      const [, H, T, S] = c.shape;
      for (let r = 0; r < got[0]!.length / S; r++) {
        let sum = 0;
        for (let j = 0; j < S; j++) sum += got[0]![r * S + j]!;
        assert.ok(Math.abs(sum - 1) < 1e-5, `row ${r} of ${H * T} sums to ${sum}`);
      }
    });
  }

  it('falls back to the composition for operands the kernel does not take, and on cpu', async function () {
    requireNative(this);
    await initEngine('native');
    const x = tf.tensor(values(2 * 3 * 4 * 5, 4), [2, 3, 4, 5]);
    const rank2 = tf.tensor(values(4 * 5, 5), [4, 5]);
    const prof = await tf.profile(() => attentionSoftmaxOp(x, 0.5, null, rank2));
    assert.ok(!prof.kernelNames.includes('TunekitAttnSoftmax'));
    await initEngine('cpu');
    const y = attentionSoftmaxOp(tf.tensor(values(60, 6), [1, 3, 4, 5]), 0.5, null, null);
    const ref = composedAttentionSoftmax(tf.tensor(values(60, 6), [1, 3, 4, 5]), 0.5, null, null);
    assert.deepEqual(y.dataSync(), ref.dataSync());
  });

  it('the addon refuses strides that reach past the mask', function () {
    const addon = requireNative(this);
    const x = new Float32Array(2 * 2 * 3 * 4);
    assert.throws(() => addon.attnSoftmax(x, new Float32Array(12), Float64Array.of(12, 0, 4), null, null, new Float32Array(x.length), 12, 4, 3, 2, 1), /mask strides/);
    assert.throws(() => addon.attnSoftmax(x, null, null, null, null, new Float32Array(x.length), 11, 4, 3, 2, 1), /B·H·T/);
  });
});
