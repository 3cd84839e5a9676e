/**
 * `compile`: ResolvedRecipe + model config + the method plugins' placement → frozen Plan. Pure and
 * synchronous: the config, the placement, the optimizer's state size, the backend and the data size
 * are found beforehand (the plugin host's `planRecipe` does that with the recipe's plugins).
 */
import { totalmem, cpus } from 'node:os';
import type { Diagnostic } from '../diagnostics/index.js';
import type { EngineChoice } from '../engine/registry.js';
import { countParameters, modelCatalog, type ModelConfig } from '../models/catalog.js';
import type { OptimizerStateCounts } from '../recipe/contributions.js';
import { locateInRecipe } from '../recipe/load.js';
import type { ResolvedRecipe } from '../recipe/resolved.js';
import { deepFreeze } from './deep-freeze.js';
import { modelDims } from './dims.js';
import { type MemoryInputs, estimateTrainingMemory } from './memory.js';
import { planNotes } from './notes.js';
import type { ModelPlacement } from './placement.js';
import { planSteps, planWarmup } from './steps.js';
import type { DataSize, Plan, PlanConfigSource, PlanParamGroup } from './types.js';

export interface CompileOptions {
  /** The model's normalized config (`parseModelConfig` of config.json merged with `model.config`). */
  config: ModelConfig;
  configSource?: PlanConfigSource;
  /** Fields of a built-in config that are not verified. */
  unverified?: readonly string[];
  /** Where every module and tensor goes, as the method plugins placed them (`placeModel`). */
  placement: ModelPlacement;
  /** Parameter groups as the plugins left them (default: HF's decay / no-decay split). */
  groups?: readonly PlanParamGroup[];
  /** The optimizer's state size (its plugin's `stateBytes`). */
  optimizerState: (counts: OptimizerStateCounts) => { bytes: number; host: boolean };
  /** Training set size (default: unknown). */
  data?: DataSize;
  /** The backend the run uses (the backend registry's choice). */
  engine: EngineChoice;
  /** Problems and notes the plugins raised while planning. */
  diagnostics?: readonly Diagnostic[];
  notes?: readonly string[];
  /** Machine to check against (default: this one). */
  machine?: { totalBytes: number; cores: number };
}

/** HF `get_decay_parameter_names`: biases and norm weights in a group without weight decay. */
export function defaultParamGroups(placement: ModelPlacement, weightDecay: number): PlanParamGroup[] {
  return [true, false].map((decay) => {
    const names = placement.tensors.filter((t) => t.trainable && t.decay === decay);
    return { name: decay ? 'decay' : 'no_decay', weightDecay: decay ? weightDecay : 0, lrScale: 1, tensors: names.length, parameters: names.reduce((n, t) => n + t.numel, 0), names: names.map((t) => t.name) };
  });
}

/**
 * Compile a recipe into a frozen Plan.
 *
 * @example
 * const plan = compile(recipe, { config, placement, optimizerState, engine });
 * console.log(plan.parameters.trainable, plan.memory.total);
 */
export function compile(recipe: ResolvedRecipe, opts: CompileOptions): Plan {
  const catalog = modelCatalog(opts.config);
  const dims = modelDims(opts.config);
  const base = countParameters(catalog);
  const p = opts.placement;
  const t = p.tensors;
  const sum = (f: (x: (typeof t)[number]) => boolean): number => t.reduce((n, x) => n + (f(x) ? x.numel : 0), 0);
  const adapters = sum((x) => x.added);
  const trainable = sum((x) => x.trainable);
  const quantized = sum((x) => x.storage !== null);
  const total = base + adapters;
  const diagnostics: Diagnostic[] = [...(opts.diagnostics ?? []), ...(opts.data?.diagnostics ?? [])].map(({ source: _s, ...d }) => d);
  if (trainable === 0 && !diagnostics.some((d) => d.severity === 'error')) {
    const { source: _s, ...at } = locateInRecipe(recipe, '/method');
    diagnostics.push({ code: 'PLAN_NO_TRAINABLE', severity: 'error', message: 'the method leaves no parameter trainable', ...at, hint: 'check method.kind and its settings (target modules, freeze patterns)' });
  }
  const groups = [...(opts.groups ?? defaultParamGroups(p, recipe.optimizer.weight_decay))];
  const steps = planSteps(recipe, opts.data ?? { trainRows: null, valRows: null, how: 'not determined' });
  const warmup = planWarmup(recipe, steps.totalSteps);
  const engine = opts.engine;
  const optimizerState = opts.optimizerState({ trainable, trainableInLargeTensors: sum((x) => x.trainable && x.numel >= 4096) });
  const inputs: MemoryInputs = {
    dims,
    params: {
      total,
      trainable,
      quantized,
      quantizedBytes: t.reduce((n, x) => n + (x.storage ? x.numel * x.storage.bytesPerParam : 0), 0),
      frozenTransposed: sum((x) => !x.trainable && !x.storage && x.matmul === 'linear'),
      matmul: sum((x) => !x.storage && x.matmul !== null),
      largestQuantized: t.reduce((m, x) => (x.storage ? Math.max(m, x.numel) : m), 0),
    },
    optimizerState,
    microBatchSize: recipe.training.micro_batch_size,
    sequenceLen: recipe.data.sequence_len,
    gradientCheckpointing: recipe.training.gradient_checkpointing,
    extraActivationsPerToken: p.extraActivationsPerToken,
    pluginStateBytes: p.extraState.reduce((n, s) => n + s.bytes, 0),
    engineCopies: engine.copies,
  };
  const budget = estimateTrainingMemory(inputs);
  const machine = opts.machine ?? { totalBytes: totalmem(), cores: cpus().length };
  const plan: Plan = {
    recipe: { file: recipe.source.file, description: recipe.description },
    model: {
      base: recipe.model.base,
      modelType: opts.config.modelType,
      config: opts.configSource ?? { kind: 'recipe', where: 'model.config' },
      dims,
      parameters: base,
      unverified: [...(opts.unverified ?? [])],
    },
    method: { kind: recipe.method.kind, summary: [...p.summary], details: structuredClone(p.details) },
    modules: p.modules,
    tensors: p.tensors,
    parameters: { total, base, adapters, trainable, frozen: total - trainable, quantized, trainablePercent: total > 0 ? (100 * trainable) / total : 0 },
    optimizer: { name: recipe.optimizer.name, lr: recipe.optimizer.lr, weightDecay: recipe.optimizer.weight_decay, groups },
    schedule: { name: recipe.schedule.name, warmupSteps: warmup.steps, warmupRatio: recipe.schedule.warmup_ratio, warmup: warmup.text, minLrRatio: recipe.schedule.min_lr_ratio },
    data: {
      datasets: recipe.data.datasets.map((d) => ({ path: d.path, source: d.path_kind, format: d.format, weight: d.weight })),
      sequenceLen: recipe.data.sequence_len,
      packing: recipe.data.packing,
      truncation: recipe.data.truncation,
      valSetSize: recipe.data.val_set_size,
    },
    steps,
    memory: {
      ...budget,
      inputs,
      state: p.extraState.map((s) => ({ ...s })),
      gradientCheckpointing: recipe.training.gradient_checkpointing,
      machine: { ...machine, fits: budget.total <= machine.totalBytes },
      wasm: engine.heapLimitBytes !== null ? { limitBytes: engine.heapLimitBytes, neededBytes: budget.wasmHeap, fits: budget.wasmHeap <= engine.heapLimitBytes } : null,
    },
    engine: { ...engine, threads: recipe.engine.threads },
    notes: [],
    diagnostics,
  };
  plan.notes = [...planNotes(recipe, plan), ...(opts.notes ?? [])];
  return deepFreeze(plan);
}
