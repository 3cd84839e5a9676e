/**
 * The Plan: what `compile` makes of a recipe before anything heavy happens — a frozen plain object
 * (JSON-serializable; `tune plan --format json` prints it as is).
 */
import type { Diagnostic } from '../diagnostics/index.js';
import type { EngineChoice } from '../engine/registry.js';
import type { ModelDims } from './dims.js';
import type { MemoryBudget, MemoryInputs } from './memory.js';
import type { PlannedModule, PlannedTensor } from './placement.js';

/** Where the model's config.json came from. */
export interface PlanConfigSource {
  kind: 'local' | 'hub-cache' | 'built-in' | 'recipe';
  /** File read, or the built-in entry's provenance. */
  where: string;
}

/** Size of the training data, when it can be known before a run. */
export interface DataSize {
  /** Training rows after splitting, weighting and packing; null when unknown. */
  trainRows: number | null;
  valRows: number | null;
  /** How it was found (`prepared-data cache`, `tokenized 50 source rows`) or why it is unknown. */
  how: string;
  /** Problems preparing the data raised (the run would hit them too). */
  diagnostics?: Diagnostic[];
}

export interface PlanStepCounts {
  microBatchSize: number;
  gradientAccumulationSteps: number;
  effectiveBatchSize: number;
  sequenceLen: number;
  /** Tokens per optimizer step at most (effective batch × sequence length). */
  tokensPerStep: number;
  trainRows: number | null;
  valRows: number | null;
  stepsPerEpoch: number | null;
  epochs: number | null;
  maxSteps: number | null;
  /** Optimizer steps of the run; null when it depends on an unknown dataset size. */
  totalSteps: number | null;
  dataHow: string;
}

/** A group of trainable tensors sharing optimizer settings (HF: `decay` and `no_decay`; plugins may split further). */
export interface PlanParamGroup {
  name: string;
  weightDecay: number;
  /** The group's learning rate is the schedule's times this (LoRA+ trains B faster). */
  lrScale: number;
  tensors: number;
  parameters: number;
  /** Tensor names, in model order. */
  names: string[];
}

export interface PlanMemory extends MemoryBudget {
  /** What the estimate was computed from (the GPU reference re-estimates from it). */
  inputs: MemoryInputs;
  /** What `pluginState` is made of (from the plugins' placement). */
  state: { label: string; bytes: number }[];
  gradientCheckpointing: boolean;
  /** The machine the plan runs on. */
  machine: { totalBytes: number; cores: number; fits: boolean };
  /** The 4 GiB wasm32 heap check (only when the backend is wasm). */
  wasm: { limitBytes: number; neededBytes: number; fits: boolean } | null;
}

export interface Plan {
  recipe: { file: string | null; description: string };
  model: {
    base: string | null;
    modelType: string;
    config: PlanConfigSource;
    dims: ModelDims;
    /** Base parameters as HF `num_parameters()` counts them (tied weights once). */
    parameters: number;
    /** Fields of a built-in config that could not be verified against the published file. */
    unverified: string[];
  };
  method: {
    kind: string;
    /** One line per method plugin (`tune plan` prints them). */
    summary: string[];
    /** The method plugins' settings, by plugin (`{ lora: { r, alpha, targets, … } }`). */
    details: Record<string, unknown>;
  };
  modules: PlannedModule[];
  /** Every parameter tensor of the run (base and added), as the run will create it. */
  tensors: PlannedTensor[];
  parameters: {
    /** Base + adapters. */
    total: number;
    base: number;
    adapters: number;
    trainable: number;
    frozen: number;
    /** Frozen parameters stored 4-bit. */
    quantized: number;
    /** trainable / total × 100. */
    trainablePercent: number;
  };
  optimizer: { name: string; lr: number; weightDecay: number; groups: PlanParamGroup[] };
  schedule: { name: string; warmupSteps: number | null; warmupRatio: number; warmup: string; minLrRatio: number };
  data: {
    datasets: { path: string; source: 'local' | 'hub'; format: string; weight: number }[];
    sequenceLen: number;
    packing: boolean;
    truncation: string;
    valSetSize: number;
  };
  steps: PlanStepCounts;
  memory: PlanMemory;
  engine: EngineChoice & { threads: number | null };
  notes: string[];
  /** Problems `tune run` would hit (errors) or should know about (warnings). */
  diagnostics: Diagnostic[];
}
