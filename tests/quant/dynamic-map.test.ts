import assert from 'node:assert/strict';
import { DYNAMIC_MAP_SIGNED, DYNAMIC_MAP_UNSIGNED, createDynamicMap } from '../../src/quant/index.js';
import { reference, sha256 } from './helpers.js';

describe('quant/dynamic-map', () => {
  for (const variant of ['default', 'avx2', 'avx512'] as const) {
    it(`reproduces torch ${reference.torch} create_dynamic_map bit for bit with ATEN_CPU_CAPABILITY=${variant}`, () => {
      for (const signed of [true, false]) {
        const want = Float32Array.from(reference.dynamic_maps[variant][signed ? 'signed' : 'unsigned']);
        const got = createDynamicMap(signed, variant);
        assert.equal(got.length, 256);
        const diff = [...got].flatMap((v, i) => (Object.is(v, want[i]) ? [] : [`${i}: ${v} != ${want[i]}`]));
        assert.deepEqual(diff, [], `signed=${signed}`);
      }
    });
  }

  it('the variants really differ (so the choice matters) and the exported maps are the avx2 ones torch picks by default', () => {
    assert.notDeepEqual(createDynamicMap(true, 'default'), createDynamicMap(true, 'avx2'));
    assert.equal(sha256(DYNAMIC_MAP_SIGNED), reference.default_capability_map_sha256.signed);
    assert.equal(sha256(DYNAMIC_MAP_UNSIGNED), reference.default_capability_map_sha256.unsigned);
  });

  it('has the documented shape: signed 127 negatives, 0 at 127, max 1.0, no -1.0; unsigned from 0 to 1', () => {
    const s = DYNAMIC_MAP_SIGNED;
    assert.equal(s[127], 0);
    assert.equal(s[255], 1);
    assert.equal(s[0], Math.fround(-0.992968738079071));
    assert.equal([...s].filter((v) => v < 0).length, 127);
    const u = DYNAMIC_MAP_UNSIGNED;
    assert.equal(u[0], 0);
    assert.equal(u[255], 1);
    for (const m of [s, u]) for (let i = 1; i < 256; i++) assert.ok((m[i] as number) > (m[i - 1] as number), `sorted at ${i}`);
  });
});
