/**
 * The Runner seam. `tune run` shares everything around the training itself — the recipe and its
 * resume contract, the plan, data preparation to token rows, progress, plugin notifications, the
 * checkpoint folder layout and rotation, the output layout — and hands a Runner the rest: the model,
 * the method, the optimizer, the loop, checkpoint contents and exports. The in-process TensorFlow.js
 * trainer is one Runner; a backend in another process (a PyTorch child) is another, registered by a
 * plugin like any backend.
 */
import type { PreparedData } from '../data/prepare.js';
import type { DataSession } from '../data/session.js';
import type { EngineChoice, EngineInfo } from '../engine/registry.js';
import type { Plan } from '../plan/types.js';
import type { ResolvedRecipe } from '../recipe/resolved.js';
import type { TrainerState } from '../train/checkpoint.js';
import type { EvalMetrics, StepMetrics, TrainBeginInfo, TrainEndReason } from '../train/events.js';
import type { LoopState } from '../train/trainer.js';
import type { RunContext } from './context.js';
import type { HookName, TuneDriver } from './hooks.js';

/** Everything a Runner executes. */
export interface RunJob {
  recipe: ResolvedRecipe;
  /** The frozen plan: the trainable tensors, groups, steps and memory the run must match. */
  plan: Plan;
  /** The backend chosen for the run, and (in-process) what activating it did. */
  backend: EngineChoice;
  engine: EngineInfo | null;
  session: DataSession;
  data: PreparedData;
  /** The base model's folder (null for random init without base) and its config.json with `model.config`. */
  model: { dir: string | null; config: Record<string, unknown> };
  /** The checkpoint to continue from (the runner reads its own files in it), or null. */
  resume: { dir: string; state: TrainerState } | null;
  /** The recipe's plugins (in-process hooks: prepareModel, lossTerms, exports, …). */
  driver: TuneDriver;
  /** The run context method and export plugins see (the runner sets `model` once built). */
  context: RunContext;
  /** True once a stop is requested (signal, test hook): finish the step, checkpoint, return `interrupted`. */
  stopRequested(): boolean;
}

/** What a Runner reports while it runs; the shared side turns it into progress, notifications and files. */
export interface RunEvents {
  log(line: string): void;
  trainBegin(info: Omit<TrainBeginInfo, 'runName' | 'outputDir'>): Promise<void>;
  /** After every optimizer step (progress line). */
  tick(step: number, metrics: Partial<StepMetrics>): void;
  /** On logging steps (metrics.jsonl, TensorBoard, `stepEnd`). */
  logged(metrics: StepMetrics): Promise<void>;
  evaluated(metrics: EvalMetrics): Promise<void>;
  message(text: string): void;
  /**
   * Save a checkpoint of `state`: `writeContents` fills a temporary folder with the runner's files;
   * the shared side adds trainer_state.json, renames it into place atomically, rotates old ones and
   * notifies `checkpointSaved`. Resolves to the final folder.
   */
  checkpoint(state: LoopState, optimizer: { name: string; step: number }, writeContents: (dir: string) => Promise<void>): Promise<string>;
}

export interface RunnerResult {
  state: LoopState;
  reason: TrainEndReason;
  lastLoss: number;
  /** Export kind → folder written. */
  outputs: Record<string, string>;
  /** Peak bytes held in tensors during the first training step, when the runner measured it. */
  peakTensorBytes?: { bytes: number; batch: [number, number] };
}

/** A Runner executes a plan over prepared rows. */
export interface Runner {
  run(job: RunJob, events: RunEvents): Promise<RunnerResult>;
  /**
   * Release what the run holds (model, optimizer state; a child process). Called once after
   * `trainEnd`, whatever happened — plugins may read the model until then.
   */
  close?(): void | Promise<void>;
}

/** A registered Runner (`runners:` of a plugin definition). */
export interface RunnerSpec {
  name: string;
  /**
   * Which of the runner's hooks (RUNNER_HOOKS: prepareModel, transformBatch, lossTerms, …) this
   * runner calls. A recipe whose own plugins implement one it does not call is refused with a
   * diagnostic at the plugin's entry, never silently run without it.
   */
  honours: readonly HookName[];
  create(): Runner | Promise<Runner>;
}
