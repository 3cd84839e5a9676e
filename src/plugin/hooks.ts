import type { HookKind } from './hook-kinds.js';
import type { CheckpointInfo, EvalMetrics, StepMetrics, TrainBeginInfo, TrainEndInfo } from '../train/events.js';

/** Free-form record a plugin may add to the metrics log. */
export type LogRecord = Record<string, number | string | boolean | null>;

/**
 * Every hook a plugin can implement. The kind of each hook is fixed in {@link HOOK_KINDS}; the driver
 * is typed by it, so calling a hook the wrong way does not compile.
 */
export type TunePluginHooks = {
  // parallel — notifications from the trainer
  trainBegin: (info: TrainBeginInfo) => void | Promise<void>;
  stepEnd: (metrics: StepMetrics) => void | Promise<void>;
  evalEnd: (metrics: EvalMetrics) => void | Promise<void>;
  checkpointSaved: (info: CheckpointInfo) => void | Promise<void>;
  trainEnd: (info: TrainEndInfo) => void | Promise<void>;
  log: (record: LogRecord) => void | Promise<void>;
};

export const HOOK_KINDS = {
  trainBegin: 'parallel',
  stepEnd: 'parallel',
  evalEnd: 'parallel',
  checkpointSaved: 'parallel',
  trainEnd: 'parallel',
  log: 'parallel',
} as const satisfies { [K in keyof TunePluginHooks]: HookKind };
