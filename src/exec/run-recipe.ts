/**
 * `tune run`: a short sequence of named steps. Resolve the resume point → open the plugins →
 * start the backend → prepare the data → resolve the model → plan → run (a Runner trains; the
 * shared side reports and checkpoints) → `trainEnd`, whatever happened. Everything here is the same
 * whichever Runner trains.
 */
import { basename } from 'node:path';
import type { Writable } from 'node:stream';
import { TuneError, fail, isTuneError } from '../diagnostics/index.js';
import { DataSession } from '../data/session.js';
import type { PreparedData } from '../data/prepare.js';
import { resolveModelDir } from '../io/hub/index.js';
import { resolvePlanConfig, type PlanModelConfig } from '../plan/model-source.js';
import { formatBytes } from '../plan/memory.js';
import type { Plan } from '../plan/types.js';
import type { PluginCatalog } from '../plugin-host/catalog.js';
import type { RunContext } from '../plugin-host/context.js';
import type { TuneDriver } from '../plugin-host/hooks.js';
import { type RecipePlugins, pluginsForRecipe, recipeDriver } from '../plugin-host/recipe.js';
import type { Runner, RunnerResult } from '../plugin-host/runner.js';
import { locateInRecipe } from '../recipe/load.js';
import type { ResolvedRecipe } from '../recipe/resolved.js';
import type { TrainEndInfo } from '../train/events.js';
import { createProgress } from '../train/progress.js';
import { SeedStream } from '../train/seeds.js';
import { type StartedBackend, checkHonoured, startBackend } from './backend.js';
import { planRecipe } from './plan-recipe.js';
import { resumePoint } from './resume.js';
import { runEvents } from './run-events.js';

export interface RunOptions {
  /** The plugins: a catalogue (first-party plugins; the recipe's own are imported), or a recipe's opened plugins. */
  plugins: PluginCatalog | RecipePlugins;
  /** `latest` or a checkpoint folder. */
  resume?: string;
  /** Force a backend over the recipe's `engine.backend`. */
  backend?: string;
  stdout: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Install SIGINT/SIGTERM handlers (the CLI does; tests and embedders may not). */
  handleSignals?: boolean;
  /** Test hook: request a stop after this many optimizer steps, as a signal would. */
  stopAfterSteps?: number;
}

export interface RunResult {
  outputDir: string;
  reason: RunnerResult['reason'];
  steps: number;
  lastLoss: number;
  outputs: Record<string, string>;
  engine: { backend: string; reason: string; message: string };
  /** The plan the run executed. */
  plan: Plan;
  /** Bytes in tensors at the peak of the first step, when the runner measured it. */
  peakTensorBytes?: RunnerResult['peakTensorBytes'];
}

const isCatalog = (p: PluginCatalog | RecipePlugins): p is PluginCatalog => 'implicit' in p;

/** The base model's folder (downloaded for a Hub id) and its config with `model.config`, as the plan reads it. */
async function resolveRunModel(recipe: ResolvedRecipe, env: NodeJS.ProcessEnv): Promise<{ dir: string | null; config: PlanModelConfig }> {
  const m = recipe.model;
  const dir = m.base ? (await resolveModelDir(m.base_kind === 'hub' ? `${m.base}@${m.revision}` : m.base, m.offline ? { offline: true } : {})).dir : null;
  if (m.init !== 'random' && !dir) fail('MODEL_CONFIG_MISSING', 'model.base is required for init: pretrained', { ...locateInRecipe(recipe, '/model') });
  return { dir, config: await resolvePlanConfig(recipe, env, dir) };
}

/** The recipe's data through its data session; TRAIN_NO_DATA when nothing is left to train on. */
async function prepareRunData(recipe: ResolvedRecipe, plugins: RecipePlugins, env: NodeJS.ProcessEnv): Promise<{ session: DataSession; data: PreparedData }> {
  const session = await DataSession.open(recipe, { formats: plugins.formats, env });
  const data = await session.prepare();
  if (data.train.length === 0) fail('TRAIN_NO_DATA', 'the training split has no examples', { ...locateInRecipe(recipe, '/data/datasets'), hint: 'check the dataset paths, val_set_size and the bad-row report' });
  return { session, data };
}

/** The Plan the run executes: this machine's backend, the run's own config and data. Errors stop the run here. */
async function planRun(recipe: ResolvedRecipe, plugins: RecipePlugins, driver: TuneDriver, inputs: { config: PlanModelConfig; data: PreparedData; backend: StartedBackend; env: NodeJS.ProcessEnv }): Promise<Plan> {
  const plan = await planRecipe(recipe, plugins, { env: inputs.env, driver, config: inputs.config, engine: inputs.backend.choice, data: { trainRows: inputs.data.train.length, valRows: inputs.data.val.length, how: 'prepared for this run' } });
  const errors = plan.diagnostics.filter((d) => d.severity === 'error');
  // Plans drop the code-frame source (they are printed as JSON); a run's diagnostics show it.
  if (errors.length) throw new TuneError(errors.map((d) => (d.path !== undefined && d.line !== undefined ? { ...d, ...(locateInRecipe(recipe, d.path, 'value').source !== undefined ? { source: locateInRecipe(recipe, d.path, 'value').source } : {}) } : d)));
  return plan;
}

/** A stop flag set by SIGINT/SIGTERM (when the CLI asks) or by the test hook. */
function stopSignal(o: RunOptions, log: (s: string) => void): { requested(): boolean; release(): void } {
  let stop = false;
  let steps = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (stop) return;
    stop = true;
    log(`\n${sig}: finishing the current step, then saving a checkpoint…`);
  };
  if (o.handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  return {
    requested: () => stop || (o.stopAfterSteps !== undefined && ++steps >= o.stopAfterSteps),
    release: () => {
      if (!o.handleSignals) return;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Train a resolved recipe end to end. */
export async function runRecipe(recipe: ResolvedRecipe, o: RunOptions): Promise<RunResult> {
  const log = (s: string): void => void o.stdout.write(`${s}\n`);
  const resume = await resumePoint(recipe, o.resume, o.cwd);
  const plugins = isCatalog(o.plugins) ? await pluginsForRecipe(recipe, o.plugins) : o.plugins;
  const driver = await recipeDriver(recipe, plugins);
  const backend = await startBackend(plugins, o.backend ?? recipe.engine.backend, recipe.engine.threads, o.env);
  checkHonoured(plugins, driver, backend.runner);
  log(backend.message);
  // Data first: bad rows should fail before a large model is loaded.
  const { session, data } = await prepareRunData(recipe, plugins, o.env);
  log(`data: ${data.train.length} training rows, ${data.val.length} validation rows${data.packed ? ' (packed)' : ''}`);
  const model = await resolveRunModel(recipe, o.env);
  const plan = await planRun(recipe, plugins, driver, { config: model.config, data, backend, env: o.env });
  for (const d of plan.diagnostics) log(`${d.severity} ${d.code}: ${d.message}`);

  const ctx: RunContext = {
    recipe,
    plan,
    modelDir: model.dir,
    tokenizerDir: session.tokenizerDir,
    modelConfig: model.config.raw,
    outputDir: recipe.output.dir,
    seeds: new SeedStream(recipe.training.seed),
    training: { on: false },
    log,
    record: (r) => void driver.hookParallel('log', r),
    locate: (pointer, prefer = 'key') => locateInRecipe(recipe, pointer, prefer),
  };
  await driver.hookParallel('runBegin', { recipe, plan, session, data, outputDir: recipe.output.dir, log, locate: ctx.locate });
  const progress = await createProgress(recipe.logging.progress, o.stdout, o.env);
  const handle = runEvents({ recipe, plan, driver, progress, log, runName: basename(recipe.source.file ?? 'recipe').replace(/\.ya?ml$/, '') });
  const stop = stopSignal(o, log);
  let end: TrainEndInfo = { step: resume?.state.step ?? 0, reason: 'failed', outputDir: recipe.output.dir };
  let result: RunnerResult;
  let runner: Runner | undefined;
  try {
    runner = await backend.runner.create();
    result = await runner.run({ recipe, plan, backend: backend.choice, engine: backend.engine, session, data, model: { dir: model.dir, config: model.config.raw }, resume, driver, context: ctx, stopRequested: stop.requested }, handle.events);
    end = { step: result.state.step, reason: result.reason, outputDir: recipe.output.dir };
  } catch (e) {
    const code = isTuneError(e) ? e.code : 'INTERNAL';
    end = { step: handle.lastStep(), reason: code === 'TRAIN_NON_FINITE_LOSS' ? 'non_finite_loss' : 'failed', outputDir: recipe.output.dir, error: { code, message: e instanceof Error ? e.message : String(e) } };
    throw e;
  } finally {
    progress.stop();
    stop.release();
    // `trainEnd` on every ending; a plugin failing here must not hide the run's own error.
    try {
      await driver.hookParallel('trainEnd', end).catch((e: unknown) => {
        if (end.reason !== 'failed' && end.reason !== 'non_finite_loss') throw e;
      });
    } finally {
      await runner?.close?.();
    }
  }
  if (result.peakTensorBytes) {
    const [b, t] = result.peakTensorBytes.batch;
    log(`memory: planned ${formatBytes(plan.memory.total)} at ${recipe.training.micro_batch_size} × ${recipe.data.sequence_len} tokens; the first step held ${formatBytes(result.peakTensorBytes.bytes)} in tensors at ${b} × ${t}`);
  }
  return { outputDir: recipe.output.dir, reason: result.reason, steps: result.state.step, lastLoss: result.lastLoss, outputs: result.outputs, engine: { backend: backend.choice.backend, reason: backend.choice.reason, message: backend.message }, plan, ...(result.peakTensorBytes ? { peakTensorBytes: result.peakTensorBytes } : {}) };
}
