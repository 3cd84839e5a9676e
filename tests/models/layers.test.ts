import { strict as assert } from 'node:assert';
import { tf } from '../../src/engine/index.js';
import { alibiSlopes } from '../../src/models/layers/alibi.js';
import { FLOAT32_MIN, buildAttentionMask } from '../../src/models/layers/mask.js';
import { ropeInvFreq } from '../../src/models/layers/rope.js';
import { causalLmLoss } from '../../src/models/index.js';
import { describeOnBackends } from '../helpers/backends.js';

describe('ALiBi slopes (HF MPT order)', () => {
  it('power of two: 2^(-8(h+1)/n)', () => {
    assert.deepEqual([...alibiSlopes(4)], [1 / 4, 1 / 16, 1 / 64, 1 / 256]);
  });
  it('non power of two: odd then even of the next power of two', () => {
    // n' = 8: slopes 1/2 … 1/256 → [1/4, 1/16, 1/64, 1/256, 1/2, 1/8]
    assert.deepEqual([...alibiSlopes(6)], [1 / 4, 1 / 16, 1 / 64, 1 / 256, 1 / 2, 1 / 8]);
  });
});

describe('RoPE inverse frequencies', () => {
  it('default: theta^(-2i/d)', () => {
    const inv = ropeInvFreq(8, 10000, { type: 'default' });
    [1, 0.1, 0.01, 0.001].forEach((v, i) => assert.ok(Math.abs(inv[i]! - v) < 1e-7 * Math.max(1, v)));
  });
  it('linear divides by the factor', () => {
    const inv = ropeInvFreq(8, 10000, { type: 'linear', factor: 4 });
    assert.ok(Math.abs(inv[1]! - 0.025) < 1e-8);
  });
  it('llama3 keeps high frequencies, divides low ones, interpolates the band between', () => {
    const s = { type: 'llama3', factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192 } as const;
    const base = ropeInvFreq(64, 500000, { type: 'default' });
    const inv = ropeInvFreq(64, 500000, s);
    let kept = 0;
    let divided = 0;
    let smoothed = 0;
    base.forEach((f, i) => {
      const wavelen = (2 * Math.PI) / f;
      if (wavelen < 8192 / 4) {
        assert.equal(inv[i], f);
        kept++;
      } else if (wavelen > 8192) {
        assert.ok(Math.abs(inv[i]! - f / 8) <= 1e-7 * f);
        divided++;
      } else {
        const sm = (8192 / wavelen - 1) / (4 - 1);
        assert.ok(Math.abs(inv[i]! - ((1 - sm) * (f / 8) + sm * f)) <= 1e-6 * f);
        smoothed++;
      }
    });
    assert.ok(kept > 0 && divided > 0 && smoothed > 0, `${kept}/${divided}/${smoothed}`);
  });
});

describeOnBackends('attention mask and loss', () => {
  it('mask: finfo(float32).min for future, padded and other-segment keys; sliding window', async () => {
    const m = buildAttentionMask({ batch: 1, queryLength: 3, pastLength: 0, attentionMask: [[1, 0, 1]] })!;
    const v = Array.from(await m.data());
    m.dispose();
    const X = FLOAT32_MIN;
    assert.deepEqual(v, [0, X, X, 0, X, X, 0, X, 0]);
    const w = buildAttentionMask({ batch: 1, queryLength: 3, pastLength: 0, slidingWindow: 2 })!;
    assert.deepEqual(Array.from(await w.data()), [0, X, X, 0, 0, X, X, 0, 0]);
    w.dispose();
    assert.equal(buildAttentionMask({ batch: 1, queryLength: 1, pastLength: 5 }), null);
  });

  it('loss: shift by one, ignore -100, mean over the batch, or sum / numItemsInBatch', async () => {
    // logits favour nothing (zeros) → every token loss is log(V)
    const V = 5;
    const logits = tf.zeros([2, 3, V]);
    const labels = [
      [-100, 1, 2],
      [-100, 3, -100],
    ];
    const r = causalLmLoss(logits, labels);
    assert.equal(r.count, 3);
    assert.deepEqual(r.positions, [[0, 0], [0, 1], [1, 0]]);
    assert.ok(Math.abs((await r.loss.data())[0]! - Math.log(V)) < 1e-6);
    const s = causalLmLoss(logits, labels, { numItemsInBatch: 6 });
    assert.ok(Math.abs((await s.loss.data())[0]! - (3 * Math.log(V)) / 6) < 1e-6);
    // a peaked logit lowers exactly its token's loss
    const peaked = tf.tensor3d([[[0, 0, 0, 0, 0], [0, 0, 2, 0, 0], [0, 0, 0, 0, 0]]]);
    const p = causalLmLoss(peaked, [[-100, 0, 2]]);
    const per = Array.from(await p.tokenLosses.data());
    assert.ok(Math.abs(per[0]! - Math.log(V)) < 1e-6);
    assert.ok(Math.abs(per[1]! - (Math.log(4 + Math.exp(2)) - 2)) < 1e-6);
    assert.throws(() => causalLmLoss(peaked, [[-100, 0, 7]]));
    tf.dispose([logits, r.loss, r.tokenLosses, s.loss, s.tokenLosses, peaked, p.loss, p.tokenLosses]);
  });
});
