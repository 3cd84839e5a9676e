/**
 * Learning-rate schedules with the formulas of HF transformers' `optimization.py`, used the way the
 * HF Trainer uses them: the k-th optimizer update (k = 0, 1, …) runs with `baseLr × λ(k)`, so with
 * warmup the very first update has lr 0.
 */
export type ScheduleName = 'constant' | 'constant_with_warmup' | 'linear' | 'cosine' | 'cosine_with_min_lr';

export interface ScheduleSpec {
  name: ScheduleName;
  /** Warmup steps W (already resolved from a ratio: `ceil(ratio × total)`, as HF does). */
  warmupSteps: number;
  /** Total optimizer steps T. */
  totalSteps: number;
  /** Only for cosine_with_min_lr: the floor as a fraction of the base lr. */
  minLrRatio?: number;
  /** Cosine cycles (HF default 0.5: one half cosine from 1 to 0). */
  numCycles?: number;
}

/** λ(step) — the multiplier of the base learning rate at optimizer update `step` (0-based). */
export function lrLambda(spec: ScheduleSpec, step: number): number {
  const W = spec.warmupSteps;
  const T = spec.totalSteps;
  if (spec.name === 'constant') return 1;
  if (step < W) return step / Math.max(1, W);
  switch (spec.name) {
    case 'constant_with_warmup':
      return 1;
    case 'linear':
      return Math.max(0, (T - step) / Math.max(1, T - W));
    case 'cosine':
    case 'cosine_with_min_lr': {
      const nc = spec.numCycles ?? 0.5;
      const p = (step - W) / Math.max(1, T - W);
      if (spec.name === 'cosine') return Math.max(0, 0.5 * (1 + Math.cos(Math.PI * nc * 2 * p)));
      const f = 0.5 * (1 + Math.cos(Math.PI * nc * 2 * p));
      const minRate = spec.minLrRatio ?? 0;
      return f * (1 - minRate) + minRate;
    }
  }
}

/** HF `get_warmup_steps`: an explicit step count wins; a ratio becomes `ceil(ratio × total)`. */
export function resolveWarmupSteps(totalSteps: number, warmupSteps?: number, warmupRatio?: number): number {
  if (warmupSteps !== undefined && warmupSteps > 0) return warmupSteps;
  if (warmupRatio !== undefined && warmupRatio > 0) return Math.ceil(totalSteps * warmupRatio);
  return 0;
}
