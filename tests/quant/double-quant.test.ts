import assert from 'node:assert/strict';
import {
  DYNAMIC_MAP_SIGNED,
  DYNAMIC_MAP_UNSIGNED,
  compressAbsmax,
  decompressAbsmax,
  dequantize4bit,
  dequantizeBlockwise,
  dequantizeWeight,
  quantize4bit,
  quantizeBlockwise,
  quantizeCode8,
  quantizeWeight,
} from '../../src/quant/index.js';
import { caseInput, lcg, reference, sha256 } from './helpers.js';

/** Nearest code by distance; on an exact tie the lower index. */
function nearest(code: Float32Array, x: number): number {
  let best = 0;
  for (let i = 1; i < 256; i++) if (Math.abs(x - (code[i] as number)) < Math.abs(x - (code[best] as number))) best = i;
  return best;
}

describe('quant/blockwise 8-bit and double quantization', () => {
  it('CUDA dQuantize picks the nearest code off ties; on an exact midpoint it stays on the even pivot', () => {
    for (const code of [DYNAMIC_MAP_SIGNED, DYNAMIC_MAP_UNSIGNED]) {
      const xs = lcg(5000, 5).map((v) => (code === DYNAMIC_MAP_SIGNED ? v * 1.05 : Math.abs(v) * 1.05));
      for (const x of xs) {
        const got = quantizeCode8(code, x);
        const want = nearest(code, x);
        // They may only disagree when x is exactly the float32-rounded midpoint (a tie in float32).
        if (got !== want) assert.equal(x, Math.fround(((code[got] as number) + (code[want] as number)) * 0.5), `x=${x}`);
      }
      // Midpoints: the search lands on the even index of each pair, so ties go to i when i is even and to i+1 otherwise.
      for (let i = 0; i < 255; i++) {
        const mid = Math.fround(((code[i] as number) + (code[i + 1] as number)) * 0.5);
        if (mid === code[i] || mid === code[i + 1]) continue;
        assert.equal(quantizeCode8(code, mid), i % 2 === 0 ? i : i + 1, `midpoint ${i}`);
      }
      assert.equal(quantizeCode8(code, Number.NaN), 0);
      assert.equal(quantizeCode8(code, 2), 255);
    }
  });

  it('8-bit blockwise codes and absmax equal the torch reference (blocksize 256, partial last block)', () => {
    const r = reference.blockwise8;
    const x = lcg(r.n, r.seed, r.scale_period);
    const { codes, absmax } = quantizeBlockwise(x, DYNAMIC_MAP_SIGNED, r.blocksize);
    assert.equal(sha256(codes), r.codes_sha256);
    assert.deepEqual([...absmax], r.absmax.map(Math.fround));
    const d = dequantizeBlockwise(codes, absmax, DYNAMIC_MAP_SIGNED, r.blocksize);
    // The dynamic map's widest gap (near ±1) is 1/64 of absmax; the half gap bounds the error.
    x.forEach((v, i) => assert.ok(Math.abs(v - (d[i] as number)) <= (absmax[Math.floor(i / 256)] as number) / 128 + 1e-7, `element ${i}`));
  });

  for (const name of ['dq-nf4-bs64', 'dq-fp4-bs64']) {
    it(`${name}: offset, nested codes, nested absmax and recovered values equal the torch reference`, () => {
      const c = reference.cases_4bit.find((k) => k.name === name);
      assert.ok(c?.nested);
      const x = caseInput(name);
      const { absmax } = quantize4bit(x, { blocksize: 64, quantType: c.quant_type });
      const n = compressAbsmax(absmax);
      assert.equal(n.offset, Math.fround(c.nested.offset));
      assert.deepEqual([...n.qabsmax.subarray(0, 16)], c.nested.qabsmax_head);
      assert.equal(sha256(n.qabsmax), c.nested.qabsmax_sha256);
      assert.deepEqual([...n.absmax2], c.nested.absmax2.map(Math.fround));
      const rec = decompressAbsmax(n);
      assert.equal(sha256(rec), c.nested.recovered_sha256);
      const q = quantizeWeight(x, [x.length], { quantType: c.quant_type, compressStatistics: true });
      assert.equal(sha256(dequantizeWeight(q)), c.nested.dequant_sha256);
    });
  }

  it('double-quantized absmax stays within half a dynamic-map step of the exact absmax', () => {
    const x = caseInput('dq-nf4-bs64');
    const { packed, absmax } = quantize4bit(x, { blocksize: 64 });
    const rec = decompressAbsmax(compressAbsmax(absmax));
    const n = compressAbsmax(absmax);
    absmax.forEach((a, i) => {
      // Half the widest gap of the signed map (1/64 near ±1) times the nested absmax.
      const bound = (n.absmax2[Math.floor(i / 256)] as number) / 128 + 1e-6;
      assert.ok(Math.abs(a - (rec[i] as number)) <= bound, `block ${i}: |${a} - ${rec[i]}| > ${bound}`);
    });
    // The weight it reconstructs is within the 4-bit error (half the widest NF4 gap, 0.162) plus the scale error.
    const d = dequantize4bit(packed, rec, x.length, { blocksize: 64 });
    x.forEach((v, i) => {
      const b = Math.floor(i / 64);
      const bound = 0.162 * (absmax[b] as number) + Math.abs((absmax[b] as number) - (rec[b] as number)) + 1e-6;
      assert.ok(Math.abs(v - (d[i] as number)) <= bound, `element ${i}`);
    });
  });

  it('a single-block weight centres to all zeros: nested absmax 0, code 0, and recovery gives the offset back', () => {
    const x = lcg(40, 9);
    const q = quantizeWeight(x, [5, 8], { compressStatistics: true });
    assert.deepEqual([...(q.state.absmax as Uint8Array)], [0]);
    assert.deepEqual([...(q.state.state2?.absmax ?? [])], [0]);
    const plain = quantizeWeight(x, [5, 8]);
    assert.equal(q.state.offset, (plain.state.absmax as Float32Array)[0]);
    assert.deepEqual(dequantizeWeight(q), dequantizeWeight(plain));
  });
});
