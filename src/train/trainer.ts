/**
 * The training loop: steps, accumulation, clipping, optimizer and schedule, logging, evaluation,
 * early stopping, checkpoint requests, NaN guard and graceful interruption. It owns no files and
 * knows no plugin: it asks its `checkpoint` callback to save, reports through `events`, and calls
 * the step hooks it is given (batch transforms, loss terms, after-step).
 */
import { measurePeakTensorBytes, tf } from '../engine/index.js';
import { TuneError, diag } from '../diagnostics/index.js';
import type { CausalLM } from '../models/causal-lm.js';
import { evaluateLoss } from '../models/loss.js';
import { type Batch, countInputTokens } from './batch.js';
import { clipCoefficient, globalGradNorm } from './clip.js';
import type { EvalMetrics, StepMetrics, TrainEndReason } from './events.js';
import type { Optimizer, ParamGroup } from './optim/optimizer.js';
import { type DataPosition, StepSampler } from './sampler.js';
import { type ScheduleSpec, lrLambda } from './schedule.js';
import { type LossTermsFn, accumulateGradients } from './step.js';

/** What the loop reports. */
export interface TrainerEvents {
  /** After every optimizer step (a progress line). */
  tick(step: number, metrics: Partial<StepMetrics>): void;
  /** On logging steps. */
  logged(metrics: StepMetrics): Promise<void>;
  evaluated(metrics: EvalMetrics): Promise<void>;
  message(text: string): void;
}

/** The update an optimizer step applied (for `afterOptimizerStep`). */
export interface AppliedUpdate {
  step: number;
  learningRate: number;
  gradients: ReadonlyMap<string, tf.Tensor>;
  /** θ_after − θ_before by parameter name. */
  applied: ReadonlyMap<string, tf.Tensor>;
}

export interface TrainerOptions<E> {
  model: CausalLM;
  groups: ParamGroup[];
  optimizer: Optimizer;
  baseLr: number;
  schedule: ScheduleSpec;
  maxGradNorm: number;
  totalSteps: number;
  sampler: StepSampler<E>;
  evalBatches: Batch[];
  evalSteps: number | null;
  earlyStopping: { patience: number | null; minDelta: number };
  loggingSteps: number;
  saveSteps: number | null;
  events: TrainerEvents;
  /** Switch dropout on/off. */
  setTraining(on: boolean): void;
  /** Called before each optimizer step with its 0-based index (re-seeds per-step randomness). */
  beginStep?(step: number): void;
  /** Called before each micro-batch of a step. */
  beginMicroBatch?(i: number): void;
  /** Change a micro-batch before its forward pass (`transformBatch`). */
  transformBatch?(batch: Batch, step: number, microBatch: number): Promise<Batch>;
  /** Terms added to the loss inside the gradient computation (`lossTerms`). */
  lossTerms?: LossTermsFn;
  /** Called after each optimizer step with the applied update (`afterOptimizerStep`); its tensors are freed after. */
  afterStep?(update: AppliedUpdate): Promise<void>;
  /** Persist a checkpoint of the current state; resolves to its folder. */
  checkpoint(state: LoopState): Promise<string>;
  /** Set by a signal handler; the loop stops after the current step and checkpoints. */
  stopRequested(): boolean;
  /** Where a resumed run starts (fresh: step 0, position 0/0). */
  start?: LoopState;
}

/** Everything of the loop that a checkpoint must hold to continue exactly. */
export interface LoopState {
  step: number;
  epoch: number;
  position: DataPosition;
  best: { loss: number | null; step: number | null; badEvals: number };
}

export interface TrainResult {
  state: LoopState;
  reason: TrainEndReason;
  lastLoss: number;
  evals: { step: number; loss: number }[];
  /** Most bytes in tensors during the run's first step, and that step's first micro-batch shape [B, T]. */
  firstStepPeak: { bytes: number; batch: [number, number] } | null;
}

type Window = { loss: number; steps: number; tokens: number; gradNorm: number; terms: Record<string, number> | null; t0: number };
const freshWindow = (): Window => ({ loss: 0, steps: 0, tokens: 0, gradNorm: 0, terms: null, t0: Date.now() });

export async function train<E>(o: TrainerOptions<E>): Promise<TrainResult> {
  const state: LoopState = o.start ? structuredClone(o.start) : { step: 0, epoch: 0, position: { epoch: 0, batch: 0 }, best: { loss: null, step: null, badEvals: 0 } };
  const params = o.groups.flatMap((g) => g.params);
  const evals: { step: number; loss: number }[] = [];
  let window = freshWindow();
  const runStart = Date.now();
  let lastLoss = Number.NaN;
  let reason: TrainEndReason = 'completed';
  let firstStepPeak: TrainResult['firstStepPeak'] = null;

  const runEval = async (): Promise<boolean> => {
    o.setTraining(false);
    const { loss, tokens } = evaluateLoss(o.model, o.evalBatches);
    o.setTraining(true);
    evals.push({ step: state.step, loss });
    const metrics = { step: state.step, loss, perplexity: Math.exp(loss), tokens };
    o.events.message(`eval at step ${state.step}: loss ${loss.toFixed(4)} ppl ${metrics.perplexity.toFixed(3)}`);
    await o.events.evaluated(metrics);
    const improved = state.best.loss === null || loss < state.best.loss - o.earlyStopping.minDelta;
    if (improved) state.best = { loss, step: state.step, badEvals: 0 };
    else state.best.badEvals += 1;
    return o.earlyStopping.patience !== null && state.best.badEvals >= o.earlyStopping.patience;
  };

  o.setTraining(true);
  while (state.step < o.totalSteps) {
    const { micro: raw, next, epochProgress } = o.sampler.step(state.position);
    const micro = o.transformBatch ? await Promise.all(raw.map((b, i) => o.transformBatch!(b, state.step, i))) : raw;
    o.beginStep?.(state.step);
    const lr = o.baseLr * lrLambda(o.schedule, state.step);
    const measure = firstStepPeak === null;
    const before = o.afterStep ? new Map(params.map((p) => [p.name, tf.clone(p.variable)])) : null;
    const compute = (): { result: ReturnType<typeof accumulateGradients>; gradNorm: number } => {
      const result = accumulateGradients(o.model, params, micro, { step: state.step, ...(o.beginMicroBatch ? { beginMicroBatch: o.beginMicroBatch.bind(o) } : {}), ...(o.lossTerms ? { lossTerms: o.lossTerms } : {}) });
      if (!Number.isFinite(result.loss)) return { result, gradNorm: Number.NaN };
      // Clipping's coefficient goes into the optimizer update: no scaled copy of the gradients.
      const gradNorm = globalGradNorm(result.grads);
      o.optimizer.step(o.groups, result.grads, lr, clipCoefficient(gradNorm, o.maxGradNorm));
      return { result, gradNorm };
    };
    let step: ReturnType<typeof compute>;
    if (measure) {
      const m = measurePeakTensorBytes(compute);
      step = m.value;
      firstStepPeak = { bytes: m.peakBytes, batch: [micro[0]?.input_ids.length ?? 0, micro[0]?.input_ids[0]?.length ?? 0] };
    } else step = compute();
    const { result, gradNorm } = step;
    if (!Number.isFinite(result.loss)) {
      tf.dispose([...result.grads.values(), ...(before?.values() ?? [])]);
      const dir = await o.checkpoint(state);
      throw new TuneError(
        diag('TRAIN_NON_FINITE_LOSS', `the loss became ${result.loss} at step ${state.step + 1}; stopped after saving the last good state to ${dir}`, {
          hint: 'lower optimizer.lr, enable or lower training.max_grad_norm, add warmup, or check the data for broken rows',
        }),
      );
    }
    state.step += 1;
    state.position = next;
    state.epoch = epochProgress;
    lastLoss = result.loss;
    if (o.afterStep && before) {
      const applied = new Map(params.map((p) => [p.name, tf.sub(p.variable, before.get(p.name)!)]));
      try {
        await o.afterStep({ step: state.step, learningRate: lr, gradients: result.grads, applied });
      } finally {
        tf.dispose([...applied.values(), ...before.values()]);
      }
    }
    tf.dispose([...result.grads.values()]);
    const tokens = micro.reduce((n, b) => n + countInputTokens(b.attention_mask), 0);
    const terms = result.terms ? Object.fromEntries(Object.entries(result.terms).map(([k, v]) => [k, (window.terms?.[k] ?? 0) + v])) : null;
    window = { ...window, loss: window.loss + result.loss, steps: window.steps + 1, tokens: window.tokens + tokens, gradNorm: window.gradNorm + gradNorm, terms };
    const elapsed = (Date.now() - window.t0) / 1000;
    o.events.tick(state.step, { loss: result.loss, learningRate: lr, gradNorm, epoch: state.epoch, tokensPerSecond: window.tokens / Math.max(elapsed, 1e-9) });
    if (state.step % o.loggingSteps === 0 || state.step === o.totalSteps) {
      const w = window;
      const metrics: StepMetrics = {
        step: state.step,
        epoch: state.epoch,
        loss: w.loss / w.steps,
        learningRate: lr,
        gradNorm: w.gradNorm / w.steps,
        tokens: w.tokens,
        tokensPerSecond: w.tokens / Math.max(elapsed, 1e-9),
        elapsedSeconds: (Date.now() - runStart) / 1000,
        ...(w.terms ? { lossTerms: Object.fromEntries(Object.entries(w.terms).map(([k, v]) => [k, v / w.steps])) } : {}),
      };
      await o.events.logged(metrics);
      window = freshWindow();
    }
    // Let the event loop run once per step: signal handlers (SIGINT/SIGTERM) are macrotasks and
    // would otherwise wait until training ends.
    await new Promise<void>((r) => setImmediate(r));
    let stopEarly = false;
    if (o.evalSteps && o.evalBatches.length && state.step % o.evalSteps === 0) stopEarly = await runEval();
    const interrupted = o.stopRequested();
    const periodic = o.saveSteps !== null && state.step % o.saveSteps === 0 && state.step < o.totalSteps;
    if (periodic || interrupted || stopEarly) await o.checkpoint(state);
    if (interrupted) {
      reason = 'interrupted';
      break;
    }
    if (stopEarly) {
      reason = 'early_stopping';
      break;
    }
  }
  o.setTraining(false);
  return { state, reason, lastLoss, evals, firstStepPeak };
}
