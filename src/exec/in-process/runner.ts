/**
 * The in-process Runner: trains a plan with TensorFlow.js in this process. It builds the planned
 * model (method plugins build themselves in), makes the planned parameter groups and the optimizer,
 * restores a checkpoint's contents, runs the loop with the step hooks (batch transforms, loss terms,
 * after-step), writes checkpoint contents and the exports. Everything around it — data, progress,
 * notifications, the checkpoint folders — is the shared side's (exec/run-recipe.ts).
 */
import { fail } from '../../diagnostics/index.js';
import { checkWasmBudget, tf } from '../../engine/index.js';
import type { HostTensor } from '../../io/safetensors/index.js';
import { parseModelConfig } from '../../models/catalog.js';
import type { CausalLM } from '../../models/causal-lm.js';
import type { Parameter } from '../../models/layers/parameter.js';
import type { ExportContext } from '../../plugin-host/context.js';
import type { CheckpointFiles } from '../../plugin-host/hooks.js';
import type { Runner, RunnerResult, RunEvents, RunJob } from '../../plugin-host/runner.js';
import { collate } from '../../data/collate.js';
import type { TrainRow } from '../../data/pack.js';
import type { Batch } from '../../train/batch.js';
import type { Optimizer, ParamGroup } from '../../train/optim/optimizer.js';
import { StepSampler } from '../../train/sampler.js';
import type { LossTermsFn } from '../../train/step.js';
import { type LoopState, type TrainerOptions, train } from '../../train/trainer.js';
import { baseModel, buildPlannedModel } from './build-model.js';
import { readContents, writeContents } from './checkpoint-contents.js';

/** The plan's parameter groups over the model's variables. */
function plannedGroups(job: RunJob, model: CausalLM): ParamGroup[] {
  const byName = new Map(model.namedParameters());
  return job.plan.optimizer.groups
    .filter((g) => g.names.length > 0)
    .map((g) => ({ weightDecay: g.weightDecay, lrScale: g.lrScale, params: g.names.map((name) => ({ name, variable: (byName.get(name) as Parameter).variable })) }));
}

/** Step hooks, only for hooks some plugin implements (a step pays nothing for the others). */
function stepHooks(job: RunJob, model: CausalLM): Pick<TrainerOptions<TrainRow>, 'transformBatch' | 'lossTerms' | 'afterStep'> {
  const { driver, recipe } = job;
  const params = new Map(model.namedParameters().filter(([, p]) => p.trainable));
  const out: Pick<TrainerOptions<TrainRow>, 'transformBatch' | 'lossTerms' | 'afterStep'> = {};
  if (driver.implementers('transformBatch').length) {
    out.transformBatch = async (batch, step, microBatch) => ((await driver.hookSequential('transformBatch', batch, { recipe, step, microBatch })) as Batch | undefined) ?? batch;
  }
  if (driver.implementers('lossTerms').length) {
    const terms: LossTermsFn = (a) => driver.hookInline('lossTerms', new Map<string, tf.Scalar>(), { ...a, recipe, model, params }) ?? new Map();
    out.lossTerms = terms;
  }
  if (driver.implementers('afterOptimizerStep').length) {
    out.afterStep = (u) => driver.hookParallel('afterOptimizerStep', { ...u, params });
  }
  return out;
}

async function restore(job: RunJob, model: CausalLM, optimizer: Optimizer): Promise<LoopState | undefined> {
  if (!job.resume) return undefined;
  const { dir, state } = job.resume;
  const contents = await readContents(dir, state.optimizer.step);
  const byName = new Map(model.namedParameters());
  for (const [name, t] of contents.weights) {
    const p = byName.get(name);
    if (!p || !p.trainable) fail('TRAIN_CHECKPOINT_INVALID', `checkpoint ${dir} holds \`${name}\`, which is not a trainable parameter of this run`, { file: dir, hint: 'resume with the recipe that wrote the checkpoint' });
    const v = tf.tensor(t.data as Float32Array, t.shape);
    p.assign(v);
    v.dispose();
  }
  optimizer.setState(contents.optimizer);
  return { step: state.step, epoch: state.epoch, position: state.data, best: state.best };
}

async function trainable(model: CausalLM): Promise<Map<string, HostTensor>> {
  const weights = new Map<string, HostTensor>();
  for (const [name, p] of model.namedParameters()) if (p.trainable) weights.set(name, { dtype: 'F32', shape: p.shape.slice(), data: await p.data() });
  return weights;
}

class InProcessRunner implements Runner {
  #model: CausalLM | null = null;
  #optimizer: Optimizer | null = null;

  async run(job: RunJob, events: RunEvents): Promise<RunnerResult> {
    const { recipe, plan, driver, context: ctx } = job;
    const wasm = plan.memory.wasm;
    if (wasm && !wasm.fits) checkWasmBudget(wasm.neededBytes, wasm.limitBytes);
    const config = parseModelConfig(job.model.config, job.model.dir ? `${job.model.dir}/config.json` : 'model.config');
    if (recipe.model.dtype !== 'float32') events.log(`model.dtype ${recipe.model.dtype}: the ${plan.engine.backend} engine has no 16-bit floats and computes in float32`);
    const base = await baseModel(recipe, job.model.dir, config);
    this.#model = base;
    const model = await buildPlannedModel(base, plan, driver, ctx);
    this.#model = model;
    ctx.model = model;
    model.setGradientCheckpointing(recipe.training.gradient_checkpointing);
    // Transposed copies of frozen weights pay off only where the backend makes them (wasm).
    if (!plan.engine.copies.transposedWeights) model.setTransposeCache(false);
    const p = plan.parameters;
    events.log(`model: ${plan.model.modelType}, ${p.total.toLocaleString('en-US')} parameters, ${p.trainable.toLocaleString('en-US')} trainable (${p.trainablePercent.toFixed(2)}%)`);

    const groups = plannedGroups(job, model);
    const optimizer = await driver.hookFirst('createOptimizer', { recipe, groups });
    this.#optimizer = optimizer;
    if (!optimizer) fail('TRAIN_OPTIMIZER_UNAVAILABLE', `no plugin provides optimizer \`${recipe.optimizer.name}\``, { ...ctx.locate('/optimizer/name', 'value'), hint: 'the plugin that registers this optimizer does not build it; report it to its author' });

    const { data } = job;
    const toBatch = (rows: TrainRow[]): Batch => {
      const b = collate(rows, { padTokenId: data.padTokenId });
      return data.packed ? b : { input_ids: b.input_ids, attention_mask: b.attention_mask, labels: b.labels };
    };
    const sampler = new StepSampler<TrainRow>({
      examples: data.train,
      microBatchSize: recipe.training.micro_batch_size,
      accumulation: recipe.training.gradient_accumulation_steps,
      seed: recipe.training.seed,
      shuffle: recipe.data.shuffle,
      collate: toBatch,
    });
    const totalSteps = plan.steps.totalSteps;
    if (totalSteps === null || plan.steps.stepsPerEpoch !== sampler.stepsPerEpoch) {
      fail('PLAN_RUN_MISMATCH', `the plan counts ${plan.steps.stepsPerEpoch ?? '?'} steps per epoch, the sampler ${sampler.stepsPerEpoch}`, { hint: 'this is a bug in tunekit; report it' });
    }
    const evalBatches: Batch[] = [];
    for (let i = 0; i < data.val.length; i += recipe.eval.batch_size) evalBatches.push(toBatch(data.val.slice(i, i + recipe.eval.batch_size)));

    const start = await restore(job, model, optimizer);
    if (start) events.log(`resuming from ${job.resume?.dir} at step ${start.step}/${totalSteps}`);
    let lastSaved = start?.step ?? -1;
    const checkpoint = async (s: LoopState): Promise<string> => {
      const weights = await trainable(model);
      const extraFiles = ((await driver.hookSequential('checkpointFiles', new Map(), ctx)) as CheckpointFiles | undefined) ?? new Map();
      lastSaved = s.step;
      return events.checkpoint(s, { name: optimizer.name, step: optimizer.getState().step }, (dir) => writeContents(dir, { weights, optimizer: optimizer.getState(), extraFiles }));
    };
    await events.trainBegin({ totalSteps, startStep: start?.step ?? 0, trainableParameters: p.trainable, totalParameters: p.total, backend: plan.engine.backend });
    const result = await train({
      model,
      groups,
      optimizer,
      baseLr: recipe.optimizer.lr,
      schedule: { name: recipe.schedule.name, warmupSteps: plan.schedule.warmupSteps ?? 0, totalSteps, minLrRatio: recipe.schedule.min_lr_ratio },
      maxGradNorm: recipe.training.max_grad_norm,
      totalSteps,
      sampler,
      evalBatches,
      evalSteps: recipe.eval.steps,
      earlyStopping: { patience: recipe.eval.early_stopping.patience, minDelta: recipe.eval.early_stopping.min_delta },
      loggingSteps: recipe.logging.steps,
      saveSteps: recipe.output.save_steps,
      events,
      setTraining: (on) => {
        ctx.training.on = on;
      },
      beginStep: (step) => ctx.seeds.beginStep(step),
      beginMicroBatch: (i) => ctx.seeds.beginMicroBatch(i),
      checkpoint,
      stopRequested: job.stopRequested,
      ...stepHooks(job, model),
      ...(start ? { start } : {}),
    });
    const outputs: Record<string, string> = {};
    if (result.reason !== 'interrupted') {
      // The final state, unless the loop just saved it (early stopping does; so does a resumed run with nothing left).
      if (lastSaved !== result.state.step) await checkpoint(result.state);
      const written = new Map<string, string>();
      ctx.training.on = false;
      const exportCtx: ExportContext = { ...ctx, model, targets: recipe.output.export_dirs, written };
      await driver.hookParallel('exportOutputs', exportCtx);
      for (const [k, v] of written) outputs[k] = v;
    }
    return { state: result.state, reason: result.reason, lastLoss: result.lastLoss, outputs, ...(result.firstStepPeak ? { peakTensorBytes: result.firstStepPeak } : {}) };
  }

  /** Free the model's and the optimizer's tensors (a second run in this process starts from nothing). */
  close(): void {
    this.#optimizer?.dispose();
    this.#model?.dispose();
    this.#optimizer = null;
    this.#model = null;
  }
}

/** The in-process Runner (the `tfjs` plugin registers it as `in-process`). */
export function inProcessRunner(): Runner {
  return new InProcessRunner();
}
