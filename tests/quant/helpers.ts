import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { seededValues } from '../helpers/seeded.js';

/** The generator of tools/quant-reference.py: an LCG in [-1, 1), optionally scaled by 1 + (i/64 mod p). */
export function lcg(n: number, seed: number, scalePeriod = 0): Float32Array {
  return seededValues(n, seed, scalePeriod ? (i) => 1 + (Math.floor(i / 64) % scalePeriod) : 1);
}

/** sha256 of a typed array's bytes (little-endian, as numpy `tobytes()` on x86). */
export function sha256(a: ArrayBufferView): string {
  return createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
}

export function hex(a: Uint8Array): string {
  return Buffer.from(a).toString('hex');
}

export interface Case4bit {
  name: string;
  n: number;
  blocksize: number;
  quant_type: 'nf4' | 'fp4';
  packed_hex: string | null;
  packed_sha256: string;
  absmax: number[];
  dequant_sha256: string;
  nested?: { offset: number; qabsmax_sha256: string; qabsmax_head: number[]; absmax2: number[]; recovered_sha256: string; dequant_sha256: string };
}

/** tests/fixtures/quant/reference.json, written by tools/quant-reference.py with torch 1.13. */
export interface Reference {
  torch: string;
  default_capability_map_sha256: { signed: string; unsigned: string };
  dynamic_maps: Record<'default' | 'avx2' | 'avx512', { signed: number[]; unsigned: number[] }>;
  cases_4bit: Case4bit[];
  adam8bit: { n: number; steps: number; lr: number; weight_decay: number; p_seed: number; state1_sha256: string; state2_sha256: string; absmax1: number[]; absmax2: number[]; p_head: number[]; p_sha256: string };
  blockwise8: { n: number; seed: number; scale_period: number; blocksize: number; codes_sha256: string; absmax: number[] };
}

export const reference = JSON.parse(readFileSync('tests/fixtures/quant/reference.json', 'utf8')) as Reference;

/** The input of each fixture case, rebuilt with the same generator. */
export function caseInput(name: string): Float32Array {
  const hand = Float32Array.from([
    0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 0.25, 0.03979014977812767, -0.045525018125772476, 0.8614784181118011, 0.29166667, 0.00260417, -0.583333, 0.1, -0.1, 0.7,
  ]);
  const zerosMid = new Float32Array(64 + 64 + 37);
  zerosMid.set(lcg(64, 3), 0);
  zerosMid.set(lcg(37, 4), 128);
  const inputs: Record<string, () => Float32Array> = {
    'hand16-nf4-bs32': () => hand,
    'hand16-fp4-bs32': () => hand,
    'odd63-nf4-bs32': () => lcg(63, 1),
    'odd63-fp4-bs64': () => lcg(63, 1),
    'zeros-mid-nf4-bs64': () => zerosMid,
    'zeros-mid-fp4-bs64': () => zerosMid,
    'big-nf4-bs4096': () => lcg(3 * 4096 + 17, 7),
    'dq-nf4-bs64': () => lcg(64 * 600 + 5, 11, 13),
    'dq-fp4-bs64': () => lcg(64 * 300, 12, 5),
  };
  const make = inputs[name];
  if (!make) throw new Error(`no input for fixture case ${name}`);
  return make();
}

/** The diagnostic of a thrown TuneError (duck-typed, so tests do not depend on module identity). */
export function diagOf(e: unknown): { code: string; found?: string; path?: string; file?: string; message: string } | undefined {
  if (!(e instanceof Error) || e.name !== 'TuneError') return undefined;
  const d = (e as Error & { diagnostics?: { code: string; found?: string; path?: string; file?: string; message: string }[] }).diagnostics;
  return d?.[0];
}
