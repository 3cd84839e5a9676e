/** What the trainer tells plugins (parallel hooks) and loggers while it runs. */

export interface TrainBeginInfo {
  runName: string;
  outputDir: string;
  totalSteps: number;
  /** Step the run starts from (0, or the resumed checkpoint's step). */
  startStep: number;
  trainableParameters: number;
  totalParameters: number;
  backend: string;
}

/** Metrics of one logged optimizer step (averaged over the logging window). */
export interface StepMetrics {
  step: number;
  epoch: number;
  loss: number;
  learningRate: number;
  gradNorm: number;
  /** Non-padding tokens processed in the window. */
  tokens: number;
  tokensPerSecond: number;
  elapsedSeconds: number;
  /** With loss terms: each term (and `ce`, the token loss) averaged over the window; `loss` is their sum. */
  lossTerms?: Record<string, number>;
}

export interface EvalMetrics {
  step: number;
  loss: number;
  perplexity: number;
  tokens: number;
}

export interface CheckpointInfo {
  step: number;
  dir: string;
}

/**
 * Why a run ended: it ran every planned step (`completed`), was stopped by a signal (`interrupted`),
 * stopped early on the evaluation loss (`early_stopping`), hit a NaN or infinite loss
 * (`non_finite_loss`), or failed with an error (`failed`).
 */
export type TrainEndReason = 'completed' | 'interrupted' | 'early_stopping' | 'non_finite_loss' | 'failed';

export interface TrainEndInfo {
  /** Optimizer steps completed when it ended. */
  step: number;
  reason: TrainEndReason;
  outputDir: string;
  /** For `failed` and `non_finite_loss`: the diagnostic's code and message. */
  error?: { code: string; message: string };
}
