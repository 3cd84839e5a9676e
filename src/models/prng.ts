/**
 * A small seeded PRNG (xoshiro128**, seeded through splitmix32) so initialisation and sampling are
 * deterministic across runs and platforms; `Math.random` is never used.
 */
export class Rng {
  // State in a typed array: plain fields holding 32-bit values would be boxed on every update.
  private readonly s = new Int32Array(4);
  private spare: number | null = null;

  constructor(seed: number) {
    let x = seed >>> 0;
    const next = (): number => {
      x = (x + 0x9e3779b9) >>> 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
      return (z ^ (z >>> 16)) >>> 0;
    };
    for (let i = 0; i < 4; i++) this.s[i] = next();
  }

  /** Next 32-bit unsigned integer (xoshiro128**). */
  nextU32(): number {
    const s = this.s;
    const s0 = s[0] as number;
    const s1 = s[1] as number;
    const s2 = s[2] as number;
    const s3 = s[3] as number;
    const m = Math.imul(s1, 5);
    const result = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    s[1] = s1 ^ n2;
    s[0] = s0 ^ n3;
    s[2] = n2 ^ t;
    s[3] = (n3 << 11) | (n3 >>> 21);
    return result >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  uniform(): number {
    const hi = this.nextU32() >>> 5;
    const lo = this.nextU32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  }

  /** Standard normal (Box–Muller, both values used). */
  normal(): number {
    if (this.spare !== null) {
      const s = this.spare;
      this.spare = null;
      return s;
    }
    let u = 0;
    while (u === 0) u = this.uniform();
    const v = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /**
   * Fill `out` with normal(0, std) samples (Box–Muller on 32-bit uniforms): fast enough to
   * initialise a 124M-parameter model in a few seconds.
   */
  fillNormal(out: Float32Array, std: number): void {
    const n = out.length;
    let i = 0;
    if (this.spare !== null && n > 0) {
      out[i++] = this.spare * std;
      this.spare = null;
    }
    const TWO_PI = 2 * Math.PI;
    const INV = 1 / 4294967296;
    for (; i < n; i += 2) {
      const u = (this.nextU32() + 0.5) * INV;
      const v = this.nextU32() * INV;
      const r = Math.sqrt(-2 * Math.log(u)) * std;
      const a = TWO_PI * v;
      out[i] = r * Math.cos(a);
      if (i + 1 < n) out[i + 1] = r * Math.sin(a);
    }
  }

  /** Serializable state (for checkpoints and resume). */
  state(): [number, number, number, number] {
    const s = this.s;
    return [s[0]! >>> 0, s[1]! >>> 0, s[2]! >>> 0, s[3]! >>> 0];
  }

  /** Restore a state returned by {@link Rng.state}. */
  setState(s: readonly [number, number, number, number]): void {
    this.s.set(s.map((v) => v | 0));
    this.spare = null;
  }
}
