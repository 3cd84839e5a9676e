import type { CodeCatalog } from './types.js';

export const TRAIN_CODES = {
  TRAIN_NON_FINITE_LOSS: { summary: 'the loss became NaN or infinite; the run stopped after saving the last good checkpoint' },
  TRAIN_RESUME_NOT_FOUND: { summary: '`--resume` found no checkpoint to continue from' },
  TRAIN_RESUME_INCOMPATIBLE: { summary: 'the recipe changed in a way that makes the checkpoint unusable' },
  TRAIN_CHECKPOINT_INVALID: { summary: 'a checkpoint folder is damaged or not a tunekit checkpoint' },
  TRAIN_OUTPUT_EXISTS: { summary: 'the output folder already holds a run and neither --resume nor output.overwrite was given' },
  TRAIN_OPTIMIZER_UNAVAILABLE: { summary: 'no plugin provides the optimizer the recipe names' },
  TRAIN_NO_DATA: { summary: 'the training split has no examples' },
} as const satisfies CodeCatalog;
