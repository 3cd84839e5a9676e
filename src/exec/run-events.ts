/**
 * The shared side of a run's events: a Runner reports, and this turns the reports into the progress
 * display, plugin notifications (`trainBegin`, `stepEnd`, `evalEnd`, `checkpointSaved`) and
 * checkpoint folders (layout, trainer_state.json, atomic rename, rotation) — the same whichever
 * Runner trains.
 */
import type { Plan } from '../plan/types.js';
import type { TuneDriver } from '../plugin-host/hooks.js';
import type { RunEvents } from '../plugin-host/runner.js';
import type { ResolvedRecipe } from '../recipe/resolved.js';
import { CHECKPOINT_FORMAT, type TrainerState, rotateCheckpoints, writeCheckpointFolder } from '../train/checkpoint.js';
import type { ProgressReporter } from '../train/progress.js';
import { hashValue } from '../train/recipe-hash.js';
import type { LoopState } from '../train/trainer.js';
import { resumeFields } from './resume.js';

export interface RunEventsOptions {
  recipe: ResolvedRecipe;
  plan: Plan;
  driver: TuneDriver;
  progress: ProgressReporter;
  runName: string;
  log(line: string): void;
}

/** The last step a runner reported (for `trainEnd` when it fails). */
export interface RunEventsHandle {
  events: RunEvents;
  lastStep(): number;
}

export function runEvents(o: RunEventsOptions): RunEventsHandle {
  const { recipe, driver, progress } = o;
  const fields = resumeFields(recipe);
  const hash = hashValue(fields);
  let last = 0;
  const stateFor = (s: LoopState, optimizer: { name: string; step: number }, totalSteps: number): TrainerState => ({
    format: CHECKPOINT_FORMAT,
    step: s.step,
    epoch: s.epoch,
    data: s.position,
    rng: { seed: recipe.training.seed, counter: s.step },
    optimizer,
    recipe: { hash, fields },
    best: s.best,
    totalSteps,
  });
  let totalSteps = o.plan.steps.totalSteps ?? 0;
  const events: RunEvents = {
    log: o.log,
    message: (text) => progress.message(text),
    async trainBegin(info) {
      totalSteps = info.totalSteps;
      last = info.startStep;
      progress.start(info.totalSteps, info.startStep);
      await driver.hookParallel('trainBegin', { ...info, runName: o.runName, outputDir: recipe.output.dir });
    },
    tick(step, metrics) {
      last = step;
      progress.tick(step, metrics);
    },
    async logged(metrics) {
      progress.log(metrics);
      await driver.hookParallel('stepEnd', metrics);
    },
    async evaluated(metrics) {
      await driver.hookParallel('evalEnd', metrics);
    },
    async checkpoint(state, optimizer, writeContents) {
      const dir = await writeCheckpointFolder(recipe.output.dir, stateFor(state, optimizer, totalSteps), writeContents);
      await rotateCheckpoints(recipe.output.dir, recipe.output.save_total_limit);
      await driver.hookParallel('checkpointSaved', { step: state.step, dir });
      return dir;
    },
  };
  return { events, lastStep: () => last };
}
