/**
 * `tune run`: recipe → plugins → model + method → data → trainer → checkpoints and exports.
 * Each step is delegated to its own module; this file only wires them in order.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Writable } from 'node:stream';
import { TuneError, diag, fail } from '../diagnostics/index.js';
import { initEngine, tf, type EngineInfo } from '../engine/index.js';
import { resolveModelDir } from '../io/hub/index.js';
import type { HostTensor } from '../io/safetensors/index.js';
import { collate, prepareData, type PreparedData } from '../data/index.js';
import { dataConfigFromRecipe, recipeLocator, tokenizerFromRecipe } from '../data/from-recipe.js';
import { ioHubDatasetSource } from '../data/sources/hub-io.js';
import { type ModelConfig, countParameters, parseModelConfig, readModelConfig } from '../models/catalog.js';
import type { CausalLM } from '../models/causal-lm.js';
import { loadModel, randomModel } from '../models/load.js';
import type { TuneDriver } from '../plugin-host/index.js';
import { datasetFormats, recipeDriver } from '../plugin-host/recipe-plugins.js';
import { locateInRecipe, type ResolvedRecipe } from '../recipe/index.js';
import { loadTokenizer } from '../tokenizer/index.js';
import { idsOnlyTokenizer } from '../tokenizer/ids-only.js';
import type { TrainRow } from '../data/pack.js';
import { type CheckpointContent, type TrainerState, CHECKPOINT_FORMAT, findResumeCheckpoint, listCheckpoints, loadCheckpoint, rotateCheckpoints, saveCheckpoint } from './checkpoint.js';
import type { Batch } from './batch.js';
import type { Optimizer, ParamGroup } from './optim/optimizer.js';
import { createProgress } from './progress.js';
import { diffFields, hashValue } from './recipe-hash.js';
import type { ExportContext, RunContext } from './run-context.js';
import { StepSampler } from './sampler.js';
import { resolveWarmupSteps } from './schedule.js';
import { SeedStream } from './seeds.js';
import { type LoopState, type TrainResult, train } from './trainer.js';

export interface RunOptions {
  /** `latest` or a checkpoint folder. */
  resume?: string;
  /** Force a backend over the recipe's `engine.backend`. */
  backend?: ResolvedRecipe['engine']['backend'];
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
  reason: TrainResult['reason'];
  steps: number;
  lastLoss: number;
  outputs: Record<string, string>;
  engine: EngineInfo;
}

/** Recipe fields that must not change across a resume. */
function resumeFields(r: ResolvedRecipe): Record<string, unknown> {
  return { model: r.model, tokenizer: r.tokenizer, data: r.data, method: r.method, optimizer: r.optimizer, schedule: r.schedule, training: r.training };
}

async function modelFor(recipe: ResolvedRecipe): Promise<{ model: CausalLM; dir: string | null; config: Record<string, unknown> }> {
  const m = recipe.model;
  let dir: string | null = null;
  if (m.base) dir = (await resolveModelDir(m.base_kind === 'hub' ? `${m.base}@${m.revision}` : m.base, m.offline ? { offline: true } : {})).dir;
  if (m.init === 'random') {
    const baseConfig = dir ? (JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>) : {};
    const raw = { ...baseConfig, ...m.config };
    const config: ModelConfig = parseModelConfig(raw, 'model.config');
    return { model: randomModel(config, { seed: recipe.training.seed }), dir, config: raw };
  }
  if (!dir) fail('MODEL_CONFIG_MISSING', 'model.base is required for init: pretrained', { ...locateInRecipe(recipe, '/model') });
  const raw = { ...(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')) as Record<string, unknown>), ...m.config };
  if (Object.keys(m.config).length) readModelConfig(dir); // the folder's own config must be valid too
  return { model: await loadModel(dir), dir, config: raw };
}

/** HF `get_decay_parameter_names`: no decay on biases and norm weights. */
function paramGroups(model: CausalLM, weightDecay: number): ParamGroup[] {
  const norms = new Set(model.modules().filter((m) => m.kind === 'norm').map((m) => m.path));
  const decay: ParamGroup = { params: [], weightDecay };
  const noDecay: ParamGroup = { params: [], weightDecay: 0 };
  for (const [name, p] of model.namedParameters()) {
    if (!p.trainable) continue;
    const owner = name.slice(0, name.lastIndexOf('.'));
    (name.endsWith('.bias') || norms.has(owner) ? noDecay : decay).params.push({ name, variable: p.variable });
  }
  return [decay, noDecay].filter((g) => g.params.length > 0);
}

function refuseExistingOutput(recipe: ResolvedRecipe, resuming: boolean): void {
  const dir = recipe.output.dir;
  if (resuming || recipe.output.overwrite || !existsSync(dir)) return;
  const taken = readdirSync(dir).filter((n) => /^checkpoint-\d+$/.test(n) || ['adapter', 'merged', 'model', 'metrics.jsonl'].includes(n));
  if (taken.length) {
    fail('TRAIN_OUTPUT_EXISTS', `output folder ${dir} already holds a run (${taken.slice(0, 3).join(', ')})`, {
      ...locateInRecipe(recipe, '/output/dir', 'value'),
      hint: 'continue it with `--resume`, set `output.overwrite: true`, or choose another output.dir',
    });
  }
}

/** Train a resolved recipe end to end. */
export async function runRecipe(recipe: ResolvedRecipe, o: RunOptions): Promise<RunResult> {
  const log = (s: string): void => void o.stdout.write(`${s}\n`);
  refuseExistingOutput(recipe, o.resume !== undefined);
  const resumeDir = o.resume !== undefined ? await findResumeCheckpoint(recipe.output.dir, o.resume, o.cwd) : null;
  const resumed: CheckpointContent | null = resumeDir ? await loadCheckpoint(resumeDir) : null;
  const fields = resumeFields(recipe);
  if (resumed) {
    const changes = diffFields(resumed.state.recipe.fields, JSON.parse(JSON.stringify(fields)) as Record<string, unknown>);
    if (changes.length) {
      throw new TuneError(
        diag('TRAIN_RESUME_INCOMPATIBLE', `cannot resume ${resumeDir}: the recipe changed since the checkpoint was written`, {
          ...(recipe.source.file ? { file: recipe.source.file } : {}),
          found: changes.slice(0, 8).join('; ') + (changes.length > 8 ? `; … ${changes.length - 8} more` : ''),
          hint: 'restore those settings to resume, or start a new run in another output.dir',
        }),
      );
    }
  }

  const driver: TuneDriver = await recipeDriver(recipe, o.cwd);
  const engine = await initEngine(o.backend ?? recipe.engine.backend, { threads: recipe.engine.threads });
  log(engine.message);

  // Data first: bad rows should fail before a large model is loaded.
  const formats = await datasetFormats(driver);
  const tok = await tokenizerFromRecipe(recipe);
  const idsOnly = recipe.data.datasets.every((d) => d.format === 'tokenized') && !existsSync(join(tok.dir, 'tokenizer.json')) && !existsSync(join(tok.dir, 'vocab.json'));
  const tokenizer = idsOnly ? idsOnlyTokenizer(tok.dir, JSON.parse(readFileSync(join(tok.dir, 'config.json'), 'utf8')) as Record<string, unknown>) : await loadTokenizer(tok.dir, tok.overrides);
  const data: PreparedData = await prepareData({
    data: dataConfigFromRecipe(recipe, formats),
    tokenizer,
    formats,
    seed: recipe.training.seed,
    locate: recipeLocator(recipe),
    hub: ioHubDatasetSource(),
  });
  if (data.train.length === 0) fail('TRAIN_NO_DATA', 'the training split has no examples', { ...locateInRecipe(recipe, '/data/datasets'), hint: 'check the dataset paths, val_set_size and the bad-row report' });
  log(`data: ${data.train.length} training rows, ${data.val.length} validation rows${data.packed ? ' (packed)' : ''}`);

  const built = await modelFor(recipe);
  if (recipe.model.dtype !== 'float32') log(`model.dtype ${recipe.model.dtype}: the ${engine.backend} engine has no 16-bit floats and computes in float32`);
  const seeds = new SeedStream(recipe.training.seed);
  const ctx: RunContext = {
    recipe,
    modelDir: built.dir,
    tokenizerDir: idsOnly ? null : tok.dir,
    modelConfig: built.config,
    outputDir: recipe.output.dir,
    seeds,
    training: { on: false },
    log,
  };
  const model = ((await driver.hookSequential('prepareModel', built.model, ctx)) as CausalLM | undefined) ?? built.model;
  model.setGradientCheckpointing(recipe.training.gradient_checkpointing);
  // Transposed copies of frozen weights only pay off on wasm (XNNPACK); elsewhere they cost memory.
  if (engine.backend !== 'wasm') model.setTransposeCache(false);
  ctx.model = model;
  const groups = paramGroups(model, recipe.optimizer.weight_decay);
  const trainable = groups.reduce((n, g) => n + g.params.reduce((m, p) => m + p.variable.size, 0), 0);
  if (trainable === 0) fail('TRAIN_NO_TRAINABLE_PARAMETERS', 'the method left no parameter trainable', { ...locateInRecipe(recipe, '/method'), hint: 'check method.kind, target_modules and freeze' });
  const total = countParameters(model.catalog);
  log(`model: ${model.config.modelType}, ${total.toLocaleString('en-US')} parameters, ${trainable.toLocaleString('en-US')} trainable (${((100 * trainable) / total).toFixed(2)}%)`);

  const optimizer: Optimizer | null = await driver.hookFirst('createOptimizer', { recipe, groups });
  if (!optimizer) fail('TRAIN_OPTIMIZER_UNAVAILABLE', `no plugin provides optimizer \`${recipe.optimizer.name}\``, { ...locateInRecipe(recipe, '/optimizer/name', 'value'), hint: 'use adamw or sgd, or add the plugin that provides it' });

  const padTokenId = data.padTokenId;
  const packed = data.packed;
  const toBatch = (rows: TrainRow[]): Batch => {
    const b = collate(rows, { padTokenId });
    return packed ? b : { input_ids: b.input_ids, attention_mask: b.attention_mask, labels: b.labels };
  };
  const sampler = new StepSampler<TrainRow>({
    examples: data.train,
    microBatchSize: recipe.training.micro_batch_size,
    accumulation: recipe.training.gradient_accumulation_steps,
    seed: recipe.training.seed,
    shuffle: recipe.data.shuffle,
    collate: toBatch,
  });
  const totalSteps = recipe.training.max_steps ?? Math.max(1, (recipe.training.epochs ?? 1) * sampler.stepsPerEpoch);
  const warmup = resolveWarmupSteps(totalSteps, recipe.schedule.warmup_steps, recipe.schedule.warmup_ratio);
  const evalBatches: Batch[] = [];
  for (let i = 0; i < data.val.length; i += recipe.eval.batch_size) evalBatches.push(toBatch(data.val.slice(i, i + recipe.eval.batch_size)));

  let start: LoopState | undefined;
  if (resumed) {
    const byName = new Map(model.namedParameters());
    for (const [name, t] of resumed.weights) {
      const p = byName.get(name);
      if (!p || !p.trainable) fail('TRAIN_CHECKPOINT_INVALID', `checkpoint ${resumeDir} holds \`${name}\`, which is not a trainable parameter of this run`, { ...(resumeDir ? { file: resumeDir } : {}), hint: 'resume with the recipe that wrote the checkpoint' });
      const v = tf.tensor(t.data as Float32Array, t.shape);
      p.assign(v);
      v.dispose();
    }
    optimizer.setState(resumed.optimizer);
    start = { step: resumed.state.step, epoch: resumed.state.epoch, position: resumed.state.data, best: resumed.state.best };
    log(`resuming from ${resumeDir} at step ${start.step}/${totalSteps}`);
  }

  const runName = basename(recipe.source.file ?? 'recipe').replace(/\.ya?ml$/, '');
  const stateFor = (s: LoopState): TrainerState => ({
    format: CHECKPOINT_FORMAT,
    step: s.step,
    epoch: s.epoch,
    data: s.position,
    rng: { seed: recipe.training.seed, counter: s.step },
    optimizer: { name: optimizer.name, step: optimizer.getState().step },
    recipe: { hash: hashValue(fields), fields: JSON.parse(JSON.stringify(fields)) as Record<string, unknown> },
    best: s.best,
    totalSteps,
  });
  const saveState = async (s: LoopState): Promise<string> => {
    const weights = new Map<string, HostTensor>();
    for (const [name, p] of model.namedParameters()) if (p.trainable) weights.set(name, { dtype: 'F32', shape: p.shape.slice(), data: await p.data() });
    const extra = ((await driver.hookSequential('checkpointFiles', new Map(), ctx)) as Map<string, string | Uint8Array> | undefined) ?? new Map();
    const dir = await saveCheckpoint(recipe.output.dir, { state: stateFor(s), weights, optimizer: optimizer.getState(), extraFiles: extra });
    await rotateCheckpoints(recipe.output.dir, recipe.output.save_total_limit);
    return dir;
  };

  let stop = false;
  let stepsThisRun = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    if (stop) return;
    stop = true;
    log(`\n${sig}: finishing the current step, then saving a checkpoint…`);
  };
  if (o.handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  const progress = await createProgress(recipe.logging.progress, o.stdout, o.env);
  await driver.hookParallel('trainBegin', { runName, outputDir: recipe.output.dir, totalSteps, startStep: start?.step ?? 0, trainableParameters: trainable, totalParameters: total, backend: engine.backend });
  let result: TrainResult;
  try {
    result = await train({
      model,
      groups,
      optimizer,
      baseLr: recipe.optimizer.lr,
      schedule: { name: recipe.schedule.name, warmupSteps: warmup, totalSteps, minLrRatio: recipe.schedule.min_lr_ratio },
      maxGradNorm: recipe.training.max_grad_norm,
      totalSteps,
      sampler,
      evalBatches,
      evalSteps: recipe.eval.steps,
      earlyStopping: { patience: recipe.eval.early_stopping.patience, minDelta: recipe.eval.early_stopping.min_delta },
      loggingSteps: recipe.logging.steps,
      saveSteps: recipe.output.save_steps,
      driver,
      progress,
      setTraining: (on) => {
        ctx.training.on = on;
      },
      beginStep: (step) => seeds.beginStep(step),
      beginMicroBatch: (i) => seeds.beginMicroBatch(i),
      checkpoint: saveState,
      stopRequested: () => stop || (o.stopAfterSteps !== undefined && ++stepsThisRun >= o.stopAfterSteps),
      ...(start ? { start } : {}),
    });
  } finally {
    progress.stop();
    if (o.handleSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
  const outputs: Record<string, string> = {};
  if (result.reason !== 'interrupted') {
    const last = (await listCheckpoints(recipe.output.dir)).pop();
    if (!last || last.step !== result.state.step) {
      const dir = await saveState(result.state);
      await driver.hookParallel('checkpointSaved', { step: result.state.step, dir });
    }
    const targets: ExportContext['targets'] = {};
    for (const kind of recipe.output.export) targets[kind] = join(recipe.output.dir, kind === 'full' ? 'model' : kind);
    const written = new Map<string, string>();
    ctx.training.on = false;
    await driver.hookParallel('exportOutputs', { ...ctx, model, targets, written });
    for (const [k, v] of written) outputs[k] = v;
  }
  await driver.hookParallel('trainEnd', { step: result.state.step, reason: result.reason, outputDir: recipe.output.dir });
  return { outputDir: recipe.output.dir, reason: result.reason, steps: result.state.step, lastLoss: result.lastLoss, outputs, engine };
}

