/** Loading of the HF parity fixtures (tests/fixtures/parity) shared by the model and generate tests. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSafetensors, type TensorMap } from '../../src/io/safetensors/index.js';

export const PARITY_DIR = 'tests/fixtures/parity';
export const ARCHS = ['gpt2', 'llama', 'mpt'] as const;
export type Arch = (typeof ARCHS)[number];

export interface ForwardGolden {
  input_ids: number[][];
  attention_mask: number[][];
  labels: number[][];
  loss: number;
  num_loss_tokens: number;
  per_token_loss: (number | null)[][];
}

export interface GenerationGolden {
  prompt_ids: number[];
  max_new_tokens: number;
  new_token_ids: number[];
  eos_token_id: number | null;
}

export interface Tolerance {
  atol: number;
  rtol: number;
}

export const manifest = JSON.parse(readFileSync(join(PARITY_DIR, 'manifest.json'), 'utf8')) as {
  recommended_tolerances: Record<'logits' | 'loss' | 'per_token_loss' | 'grads' | 'weights_after_merge', Tolerance>;
};

export const modelDir = (arch: Arch): string => join(PARITY_DIR, arch, 'model');
export const adapterDir = (arch: Arch): string => join(PARITY_DIR, arch, 'adapter');

export function forwardGolden(arch: Arch): ForwardGolden {
  return JSON.parse(readFileSync(join(PARITY_DIR, arch, 'golden', 'forward.json'), 'utf8')) as ForwardGolden;
}

export function generationGolden(arch: Arch): GenerationGolden {
  return JSON.parse(readFileSync(join(PARITY_DIR, arch, 'golden', 'generation.json'), 'utf8')) as GenerationGolden;
}

export function goldenJson<T>(arch: Arch, file: string): T {
  return JSON.parse(readFileSync(join(PARITY_DIR, arch, 'golden', file), 'utf8')) as T;
}

export function goldenTensors(arch: Arch, file: string): Promise<TensorMap> {
  return loadSafetensors(join(PARITY_DIR, arch, 'golden', file));
}

/** Largest |a−b| and the worst ratio |a−b| / (atol + rtol·|golden|) (≤ 1 passes). */
export function compare(actual: ArrayLike<number>, golden: ArrayLike<number>, tol: Tolerance, mask?: (i: number) => boolean): { maxAbs: number; worst: number } {
  if (actual.length !== golden.length) throw new Error(`length ${actual.length} ≠ ${golden.length}`);
  let maxAbs = 0;
  let worst = 0;
  for (let i = 0; i < golden.length; i++) {
    if (mask && !mask(i)) continue;
    const g = golden[i] as number;
    const d = Math.abs((actual[i] as number) - g);
    if (!(d <= maxAbs)) maxAbs = d;
    const r = d / (tol.atol + tol.rtol * Math.abs(g));
    if (!(r <= worst)) worst = r;
  }
  return { maxAbs, worst };
}

export function l2(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] as number) ** 2;
  return Math.sqrt(s);
}
