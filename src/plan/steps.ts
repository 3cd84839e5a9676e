/**
 * Optimizer step counts as `tune run` computes them (StepSampler + HF Trainer rules): an epoch is
 * ceil(rows / micro_batch_size) micro-batches grouped by gradient_accumulation_steps, its last step
 * possibly shorter; `max_steps` wins over epochs. Warmup resolves as HF's `get_warmup_steps`.
 */
import type { ResolvedRecipe } from '../recipe/resolved.js';
import { resolveWarmupSteps } from '../train/schedule.js';
import type { DataSize, PlanStepCounts } from './types.js';

/** Step counts of a recipe for a known (or unknown) training set size. */
export function planSteps(recipe: ResolvedRecipe, data: DataSize): PlanStepCounts {
  const t = recipe.training;
  const micro = t.micro_batch_size;
  const acc = t.gradient_accumulation_steps;
  const stepsPerEpoch = data.trainRows === null ? null : Math.ceil(Math.ceil(data.trainRows / micro) / acc);
  const totalSteps = t.max_steps ?? (stepsPerEpoch === null ? null : Math.max(1, (t.epochs ?? 1) * stepsPerEpoch));
  return {
    microBatchSize: micro,
    gradientAccumulationSteps: acc,
    effectiveBatchSize: micro * acc,
    sequenceLen: recipe.data.sequence_len,
    tokensPerStep: micro * acc * recipe.data.sequence_len,
    trainRows: data.trainRows,
    valRows: data.valRows,
    stepsPerEpoch,
    epochs: t.epochs,
    maxSteps: t.max_steps,
    totalSteps,
    dataHow: data.how,
  };
}

/** Warmup steps (null while the total is unknown and only a ratio is given) and how they were found. */
export function planWarmup(recipe: ResolvedRecipe, totalSteps: number | null): { steps: number | null; text: string } {
  const s = recipe.schedule;
  if (s.name === 'constant') return { steps: 0, text: 'none (constant schedule)' };
  if (s.warmup_steps > 0) return { steps: s.warmup_steps, text: `${s.warmup_steps} steps` };
  if (s.warmup_ratio > 0) {
    if (totalSteps === null) return { steps: null, text: `ceil(${s.warmup_ratio} × total steps) — total unknown` };
    const w = resolveWarmupSteps(totalSteps, 0, s.warmup_ratio);
    return { steps: w, text: `${w} steps (ceil(${s.warmup_ratio} × ${totalSteps}))` };
  }
  return { steps: 0, text: 'none' };
}
