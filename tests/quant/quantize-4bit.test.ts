import assert from 'node:assert/strict';
import { NF4_CODE, NF4_THRESHOLDS, dequantize4bit, fp4Index, nf4Index, quantize4bit, quantizeWeight } from '../../src/quant/index.js';
import { caseInput, diagOf, hex, reference, sha256 } from './helpers.js';

const nextUp = (x: number): number => {
  const f = new Float32Array([x]);
  const i = new Int32Array(f.buffer);
  i[0] = (i[0] as number) + (x >= 0 ? 1 : -1);
  return f[0] as number;
};

describe('quant/quantize-4bit', () => {
  for (const c of reference.cases_4bit) {
    it(`${c.name}: bytes, absmax and dequantized values equal the torch reference`, () => {
      const x = caseInput(c.name);
      assert.equal(x.length, c.n);
      const { packed, absmax } = quantize4bit(x, { blocksize: c.blocksize, quantType: c.quant_type });
      assert.equal(packed.length, (c.n + 1) >> 1);
      if (c.packed_hex !== null) assert.equal(hex(packed), c.packed_hex);
      assert.equal(sha256(packed), c.packed_sha256);
      assert.deepEqual([...absmax], c.absmax.map(Math.fround));
      assert.equal(sha256(dequantize4bit(packed, absmax, c.n, { blocksize: c.blocksize, quantType: c.quant_type })), c.dequant_sha256);
    });
  }

  // absmax is 1 in this block, so each scaled value is the value itself: the ties are exact.
  const hand = caseInput('hand16-nf4-bs32');

  it('NF4 indices of hand-made values, exact midpoint ties going to the lower index, -0 to the zero code', () => {
    const idx = [...hand].map((v) => nf4Index(v));
    assert.deepEqual(idx, [7, 7, 15, 0, 12, 2, 10, 7, 6, 14, 10, 7, 2, 8, 6, 14]);
    assert.equal(hex(quantize4bit(hand, { blocksize: 32 }).packed), '77f0c2a76ea7286e');
    for (let i = 0; i < 15; i++) {
      const t = NF4_THRESHOLDS[i] as number;
      assert.equal(nf4Index(t), i, `tie at threshold ${i} goes to the lower index`);
      assert.equal(nf4Index(nextUp(t)), i + 1, `just above threshold ${i}`);
    }
  });

  it('FP4 bit patterns: sign in bit 3, ties to the smaller magnitude, -0 unsigned', () => {
    assert.deepEqual([...hand].map((v) => fp4Index(v)), [0, 0, 3, 11, 5, 13, 7, 1, 9, 3, 7, 0, 13, 6, 14, 2]);
    assert.equal(hex(quantize4bit(hand, { blocksize: 32, quantType: 'fp4' }).packed), '003b5d719370d6e2');
  });

  it('±absmax map to the extreme codes whatever the reciprocal rounding', () => {
    for (const a of [0.7, 3.3, 1e-20, 123456.78]) {
      const x = Float32Array.from([a, -a, a / 2]);
      const { packed, absmax } = quantize4bit(x, { blocksize: 32 });
      assert.equal(absmax[0], Math.fround(a));
      assert.equal((packed[0] as number) >> 4, 15);
      assert.equal((packed[0] as number) & 15, 0);
      const d = dequantize4bit(packed, absmax, 3, { blocksize: 32 });
      assert.equal(d[0], Math.fround(a));
      assert.equal(d[1], -Math.fround(a));
    }
  });

  it('an all-zero block keeps absmax 0, gets the zero code (NF4 index 7) and dequantizes to +0', () => {
    const x = new Float32Array(64 + 3);
    x[64] = 2;
    const { packed, absmax } = quantize4bit(x, { blocksize: 64 });
    assert.deepEqual([...absmax], [0, 2]);
    assert.ok(packed.subarray(0, 32).every((b) => b === 0x77));
    const d = dequantize4bit(packed, absmax, x.length, { blocksize: 64 });
    assert.ok(d.subarray(0, 64).every((v) => Object.is(v, 0)));
    const fp = quantize4bit(x, { blocksize: 64, quantType: 'fp4' });
    assert.ok(fp.packed.subarray(0, 32).every((b) => b === 0));
  });

  it('packs the first element in the high nibble and pads an odd length with the zero code', () => {
    const x = Float32Array.from([1, -1, 0.5]);
    const nf = quantize4bit(x, { blocksize: 32 });
    assert.deepEqual([...nf.packed], [0xf0, 0xc7]);
    const fp = quantize4bit(x, { blocksize: 32, quantType: 'fp4' });
    assert.deepEqual([...fp.packed], [0x3b, 0x50]);
    const d = dequantize4bit(nf.packed, nf.absmax, 3, { blocksize: 32 });
    assert.deepEqual([...d], [1, -1, NF4_CODE[12]]);
  });

  it('a partial last block has its own absmax over the real elements only', () => {
    const x = Float32Array.from({ length: 70 }, (_, i) => (i < 64 ? 0.01 * (i + 1) : -0.5 + i * 0.001));
    const { absmax } = quantize4bit(x, { blocksize: 64 });
    assert.deepEqual([...absmax], [Math.fround(0.64), Math.fround(Math.abs(-0.5 + 64 * 0.001))]);
  });

  it('rejects blocksizes bitsandbytes rejects with QUANT_BLOCKSIZE', () => {
    for (const b of [16, 48, 8192, 0]) {
      assert.throws(
        () => quantize4bit(new Float32Array(4), { blocksize: b }),
        (e: unknown) => diagOf(e)?.code === 'QUANT_BLOCKSIZE' && diagOf(e)?.found === String(b),
      );
    }
    for (const b of [32, 128, 256, 512, 1024, 2048, 4096]) assert.equal(quantize4bit(new Float32Array(5), { blocksize: b }).absmax.length, 1);
  });

  it('rejects a weight whose shape does not match its data with QUANT_SHAPE_MISMATCH', () => {
    assert.throws(() => quantizeWeight(new Float32Array(12), [3, 5]), (e: unknown) => diagOf(e)?.code === 'QUANT_SHAPE_MISMATCH' && diagOf(e)?.found === '12');
  });

  it('round-trip error is at most half the widest NF4 gap times absmax', () => {
    const x = caseInput('odd63-nf4-bs32');
    const { packed, absmax } = quantize4bit(x, { blocksize: 32 });
    const d = dequantize4bit(packed, absmax, x.length, { blocksize: 32 });
    let maxGap = 0;
    for (let i = 1; i < 16; i++) maxGap = Math.max(maxGap, (NF4_CODE[i] as number) - (NF4_CODE[i - 1] as number));
    x.forEach((v, i) => assert.ok(Math.abs(v - (d[i] as number)) <= (maxGap / 2) * (absmax[Math.floor(i / 32)] as number) + 1e-7, `element ${i}`));
  });
});
