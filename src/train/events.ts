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

export type TrainEndReason = 'completed' | 'max_steps' | 'interrupted' | 'early_stopping' | 'non_finite_loss';

export interface TrainEndInfo {
  step: number;
  reason: TrainEndReason;
  outputDir: string;
}
