/**
 * The training loop: steps, accumulation, clipping, optimizer and schedule, logging, evaluation,
 * early stopping, checkpoint requests, NaN guard and graceful interruption. It owns no files: it
 * asks its `checkpoint` callback to save, and reports through the plugin driver and a progress
 * reporter.
 */
import { tf } from '../engine/index.js';
import { TuneError, diag } from '../diagnostics/index.js';
import type { CausalLM } from '../models/causal-lm.js';
import type { TuneDriver } from '../plugin-host/index.js';
import { type Batch, countInputTokens } from './batch.js';
import { clipCoefficient, globalGradNorm } from './clip.js';
import type { TrainEndReason } from './events.js';
import type { Optimizer, ParamGroup } from './optim/optimizer.js';
import type { ProgressReporter } from './progress.js';
import { type DataPosition, StepSampler } from './sampler.js';
import { type ScheduleSpec, lrLambda } from './schedule.js';
import { evaluateLoss } from '../models/loss.js';
import { accumulateGradients } from './step.js';

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
  driver: TuneDriver;
  progress: ProgressReporter;
  /** Switch dropout on/off. */
  setTraining(on: boolean): void;
  /** Called before each optimizer step with its 0-based index (re-seeds per-step randomness). */
  beginStep?(step: number): void;
  /** Called before each micro-batch of a step. */
  beginMicroBatch?(i: number): void;
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
}

export async function train<E>(o: TrainerOptions<E>): Promise<TrainResult> {
  const state: LoopState = o.start ? structuredClone(o.start) : { step: 0, epoch: 0, position: { epoch: 0, batch: 0 }, best: { loss: null, step: null, badEvals: 0 } };
  const params = o.groups.flatMap((g) => g.params);
  const evals: { step: number; loss: number }[] = [];
  let window = { loss: 0, steps: 0, tokens: 0, gradNorm: 0, t0: Date.now() };
  const runStart = Date.now();
  let lastLoss = Number.NaN;
  let reason: TrainEndReason = 'completed';
  o.progress.start(o.totalSteps, state.step);

  const runEval = async (): Promise<boolean> => {
    o.setTraining(false);
    const { loss, tokens } = evaluateLoss(o.model, o.evalBatches);
    o.setTraining(true);
    evals.push({ step: state.step, loss });
    const metrics = { step: state.step, loss, perplexity: Math.exp(loss), tokens };
    o.progress.message(`eval at step ${state.step}: loss ${loss.toFixed(4)} ppl ${metrics.perplexity.toFixed(3)}`);
    await o.driver.hookParallel('evalEnd', metrics);
    const improved = state.best.loss === null || loss < state.best.loss - o.earlyStopping.minDelta;
    if (improved) state.best = { loss, step: state.step, badEvals: 0 };
    else state.best.badEvals += 1;
    return o.earlyStopping.patience !== null && state.best.badEvals >= o.earlyStopping.patience;
  };

  o.setTraining(true);
  while (state.step < o.totalSteps) {
    const { micro, next, epochProgress } = o.sampler.step(state.position);
    o.beginStep?.(state.step);
    const lr = o.baseLr * lrLambda(o.schedule, state.step);
    const { loss, grads } = accumulateGradients(o.model, params, micro, o.beginMicroBatch?.bind(o));
    if (!Number.isFinite(loss)) {
      tf.dispose([...grads.values()]);
      const dir = await o.checkpoint(state);
      throw new TuneError(
        diag('TRAIN_NON_FINITE_LOSS', `the loss became ${loss} at step ${state.step + 1}; stopped after saving the last good state to ${dir}`, {
          hint: 'lower optimizer.lr, enable or lower training.max_grad_norm, add warmup, or check the data for broken rows',
        }),
      );
    }
    // Clipping's coefficient goes into the optimizer update: no scaled copy of the gradients.
    const gradNorm = globalGradNorm(grads);
    o.optimizer.step(o.groups, grads, lr, clipCoefficient(gradNorm, o.maxGradNorm));
    tf.dispose([...grads.values()]);
    state.step += 1;
    state.position = next;
    state.epoch = epochProgress;
    lastLoss = loss;
    const tokens = micro.reduce((n, b) => n + countInputTokens(b.attention_mask), 0);
    window = { ...window, loss: window.loss + loss, steps: window.steps + 1, tokens: window.tokens + tokens, gradNorm: window.gradNorm + gradNorm };
    const elapsed = (Date.now() - window.t0) / 1000;
    o.progress.tick(state.step, { loss, learningRate: lr, gradNorm, epoch: state.epoch, tokensPerSecond: window.tokens / Math.max(elapsed, 1e-9) });
    if (state.step % o.loggingSteps === 0 || state.step === o.totalSteps) {
      const metrics = {
        step: state.step,
        epoch: state.epoch,
        loss: window.loss / window.steps,
        learningRate: lr,
        gradNorm: window.gradNorm / window.steps,
        tokens: window.tokens,
        tokensPerSecond: window.tokens / Math.max(elapsed, 1e-9),
        elapsedSeconds: (Date.now() - runStart) / 1000,
      };
      o.progress.log(metrics);
      await o.driver.hookParallel('stepEnd', metrics);
      window = { loss: 0, steps: 0, tokens: 0, gradNorm: 0, t0: Date.now() };
    }
    // Let the event loop run once per step: signal handlers (SIGINT/SIGTERM) are macrotasks and
    // would otherwise wait until training ends.
    await new Promise<void>((r) => setImmediate(r));
    let stopEarly = false;
    if (o.evalSteps && o.evalBatches.length && state.step % o.evalSteps === 0) stopEarly = await runEval();
    const interrupted = o.stopRequested();
    const periodic = o.saveSteps !== null && state.step % o.saveSteps === 0 && state.step < o.totalSteps;
    if (periodic || interrupted || stopEarly) {
      const dir = await o.checkpoint(state);
      await o.driver.hookParallel('checkpointSaved', { step: state.step, dir });
    }
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
  return { state, reason, lastLoss, evals };
}
