/**
 * `compile`: ResolvedRecipe + model config → frozen Plan. Pure and synchronous: the config and the
 * data size are found beforehand (see `planRecipe`), so this can be called from code with a config
 * built by hand.
 */
import { totalmem, cpus } from 'node:os';
import type { Diagnostic } from '../diagnostics/index.js';
import { countParameters, modelCatalog, type ModelConfig } from '../models/catalog.js';
import { locateInRecipe } from '../recipe/load.js';
import type { ResolvedRecipe } from '../recipe/resolved.js';
import { WASM_HEAP_MAX_BYTES } from '../engine/wasm/heap-error.js';
import { deepFreeze } from './deep-freeze.js';
import { modelDims } from './dims.js';
import { chooseEngine, type EngineChoice } from './engine-choice.js';
import { estimateTrainingMemory, nf4BytesPerParam } from './memory.js';
import { placeModules } from './placement.js';
import { planNotes } from './notes.js';
import { planSteps, planWarmup } from './steps.js';
import type { PlanConfigSource, DataSize, Plan, PlanParamGroup } from './types.js';

export interface CompileOptions {
  /** The model's normalized config (`parseModelConfig` of config.json merged with `model.config`). */
  config: ModelConfig;
  configSource?: PlanConfigSource;
  /** Fields of a built-in config that are not verified. */
  unverified?: readonly string[];
  /** Training set size (default: unknown). */
  data?: DataSize;
  /** Backend to plan for (default: what `engine.backend` resolves to here). */
  engine?: EngineChoice;
  /** Machine to check against (default: this one). */
  machine?: { totalBytes: number; cores: number };
}

function at(recipe: ResolvedRecipe, pointer: string): object {
  // Plans are printed and serialized; keep positions, drop the source text kept for code frames.
  const { source: _s, ...pos } = locateInRecipe(recipe, pointer, 'value');
  return pos;
}

/**
 * Compile a recipe into a frozen Plan.
 *
 * @example
 * const recipe = await loadRecipe('recipes/tiny/stories-lora.yaml');
 * const plan = compile(recipe, { config: readModelConfig('models/stories260k') });
 * console.log(plan.parameters.trainable, plan.memory.total);
 */
export function compile(recipe: ResolvedRecipe, opts: CompileOptions): Plan {
  const catalog = modelCatalog(opts.config);
  const dims = modelDims(opts.config);
  const base = countParameters(catalog);
  const method = recipe.method;
  const placed = placeModules(catalog, method, (p) => at(recipe, p));
  const diagnostics: Diagnostic[] = [...placed.diagnostics, ...(opts.data?.diagnostics ?? []).map(({ source: _s, ...d }) => d)];
  const t = placed.tensors;
  const sum = (f: (x: (typeof t)[number]) => boolean): number => t.reduce((n, x) => n + (f(x) ? x.numel : 0), 0);
  const adapters = sum((x) => /\.lora_[AB]\.weight$/.test(x.name));
  const trainable = sum((x) => x.trainable);
  const quantized = sum((x) => x.quantized);
  const total = base + adapters;
  if (trainable === 0 && !diagnostics.some((d) => d.severity === 'error')) {
    diagnostics.push({ code: 'PLAN_NO_TRAINABLE', severity: 'error', message: 'the method leaves no parameter trainable', ...at(recipe, '/method'), hint: 'check method.kind, target_modules and freeze' });
  }
  const groups: PlanParamGroup[] = [true, false].map((decay) => ({
    name: decay ? 'decay' : 'no_decay',
    weightDecay: decay ? recipe.optimizer.weight_decay : 0,
    tensors: t.filter((x) => x.trainable && x.decay === decay).length,
    parameters: sum((x) => x.trainable && x.decay === decay),
  }));

  const steps = planSteps(recipe, opts.data ?? { trainRows: null, valRows: null, how: 'not determined' });
  const warmup = planWarmup(recipe, steps.totalSteps);
  const engine = opts.engine ?? chooseEngine(recipe.engine.backend);
  const lora = method.lora;
  const q = method.quantization;
  // PEFT's embedding LoRA takes token ids and applies no dropout: only linear/head inputs are dropped out.
  const targets = placed.loraTargets.map((p) => placed.modules.find((m) => m.path === p)!);
  const budget = estimateTrainingMemory({
    dims,
    params: {
      total,
      trainable,
      quantized,
      frozenTransposed: sum((x) => !x.trainable && !x.quantized && x.matmul === 'linear'),
      matmul: sum((x) => !x.quantized && x.matmul !== null),
      largestQuantized: t.reduce((m, x) => (x.quantized ? Math.max(m, x.numel) : m), 0),
      trainableInLargeTensors: sum((x) => x.trainable && x.numel >= 4096),
    },
    optimizer: { name: recipe.optimizer.name, momentum: recipe.optimizer.momentum },
    microBatchSize: recipe.training.micro_batch_size,
    sequenceLen: recipe.data.sequence_len,
    gradientCheckpointing: recipe.training.gradient_checkpointing,
    ...(q ? { quant: { blocksize: q.blocksize, doubleQuant: q.double_quant } } : {}),
    ...(lora && targets.length
      ? { lora: { rankPerLayer: (lora.r * targets.length) / dims.layers, droppedInputPerLayer: lora.dropout > 0 ? targets.filter((m) => m.kind !== 'embedding').reduce((n, m) => n + m.inFeatures, 0) / dims.layers : 0 } }
      : {}),
    backend: engine.backend === 'wasm' ? 'wasm' : engine.backend === 'tensorflow' ? 'tensorflow' : 'cpu',
  });
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
    method: {
      kind: method.kind,
      lora: lora
        ? {
            r: lora.r,
            alpha: lora.alpha,
            scaling: lora.rslora ? lora.alpha / Math.sqrt(lora.r) : lora.alpha / lora.r,
            rslora: lora.rslora,
            dropout: lora.dropout,
            bias: lora.bias,
            targetSpec: placed.targetSpec,
            targets: placed.loraTargets.length,
            modulesToSave: [...lora.modules_to_save],
          }
        : null,
      quantization: q ? { type: q.type, blocksize: q.blocksize, doubleQuant: q.double_quant, computeDtype: q.compute_dtype, bytesPerParam: nf4BytesPerParam(q.blocksize, q.double_quant) } : null,
      freeze: [...method.freeze],
    },
    modules: placed.modules,
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
      gradientCheckpointing: recipe.training.gradient_checkpointing,
      machine: { ...machine, fits: budget.total <= machine.totalBytes },
      wasm: engine.heapCapped ? { limitBytes: WASM_HEAP_MAX_BYTES, neededBytes: budget.wasmHeap, fits: budget.wasmHeap <= WASM_HEAP_MAX_BYTES } : null,
    },
    engine: { ...engine, threads: recipe.engine.threads },
    notes: [],
    diagnostics,
  };
  plan.notes = planNotes(recipe, plan);
  return deepFreeze(plan);
}
