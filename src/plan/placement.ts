/**
 * How every module and tensor of a model is held during training — decided before any weight is
 * read. The core starts from the catalogue with everything frozen; method plugins place themselves
 * in their `planModel` hook (make tensors trainable, add adapter tensors, store weights in fewer
 * bits, label modules); the in-process runner then builds exactly this and checks it did.
 */
import type { Diagnostic, DiagnosticInit } from '../diagnostics/index.js';
import type { ModelCatalog, ModuleInfo } from '../models/types.js';
import type { ResolvedRecipe } from '../recipe/resolved.js';

/** One parameter tensor: a base one from the catalogue, or one a method adds (LoRA A/B). */
export interface PlannedTensor {
  /** HF-style name, exactly as the run names the parameter (`model.layers.0.self_attn.q_proj.lora_A.weight`). */
  name: string;
  shape: number[];
  numel: number;
  trainable: boolean;
  /** Stored in fewer bits than float32 (frozen 4-bit weights), or null for dense float32. */
  storage: { scheme: string; bytesPerParam: number } | null;
  /** HF `get_decay_parameter_names`: biases and norm weights get no weight decay. */
  decay: boolean;
  /** A matrix multiplied as `x·Wᵀ` (nn.Linear layout or the LM head), or GPT-2's Conv1D layout. */
  matmul: 'linear' | 'conv1d' | null;
  /** Module path that owns it. */
  module: string;
  /** Added by a method (not in the base checkpoint). */
  added: boolean;
}

/** One module of the plan. */
export interface PlannedModule {
  path: string;
  kind: ModuleInfo['kind'];
  inFeatures: number;
  outFeatures: number;
  layout: ModuleInfo['layout'] | null;
  /**
   * How it is held: `frozen`, `trainable`, `partial`, `tied` (the core's words), or what a method
   * plugin says (`lora`, `nf4`, `nf4+lora`, `modules_to_save`, …).
   */
  placement: string;
  /** Display text for `tune plan` (`lora r=8`); the placement when not set. */
  label: string;
  /** Base parameters of the module (0 for a tied head). */
  params: number;
  /** Of all the module's parameters (base and added), the ones that train. */
  trainableParams: number;
  /** Parameters a method added to the module (LoRA A+B). */
  addedParams: number;
  /** Embedding whose weight a tied head uses. */
  tiedTo: string | null;
}

/** The placement of a whole model, as the method plugins leave it. */
export interface ModelPlacement {
  modules: PlannedModule[];
  tensors: PlannedTensor[];
  /**
   * Activation elements per token and layer a method keeps for the backward pass beyond the plain
   * model's (LoRA: each target's r-wide intermediate and its product before scaling, plus its
   * dropped-out input and dropout mask when dropout > 0).
   */
  extraActivationsPerToken: number;
  /**
   * Tensors a plugin keeps for the whole run besides parameters, gradients and optimizer state
   * (L2-SP's starting values, EWC's Fisher diagonal), in bytes, each with what it is.
   */
  extraState: { label: string; bytes: number }[];
  /** One line per method plugin for `tune plan` (`LoRA r=8 alpha=16 (scale 2) … on 20 modules`). */
  summary: string[];
  /** Method settings for the Plan's JSON, by plugin (`{ lora: { r, alpha, targets, … } }`). */
  details: Record<string, unknown>;
}

/** What a `planModel` hook sees besides the placement. */
export interface PlanModelContext {
  recipe: ResolvedRecipe;
  catalog: ModelCatalog;
  /** Transformer layers of the model (per-layer figures such as `extraActivationsPerToken` divide by it). */
  layers: number;
  /** Recipe position of a value (diagnostics raised while planning point into the recipe). */
  at(pointer: string): DiagnosticInit;
  /** Report a problem `tune run` would hit (error) or should know about (warning). */
  report(d: Diagnostic): void;
  /** A line for the plan's notes. */
  note(text: string): void;
}

const numel = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);
const ownerOf = (name: string): string => name.slice(0, name.lastIndexOf('.'));

/** Every base tensor frozen and dense, every module unplaced (a tied head is `tied`). */
export function basePlacement(catalog: ModelCatalog): ModelPlacement {
  const byModule = new Map(catalog.modules.map((m) => [m.path, m]));
  const tensors: PlannedTensor[] = catalog.parameters.map((p) => {
    const mod = byModule.get(ownerOf(p.name));
    const isMatrix = p.shape.length === 2 && (mod?.kind === 'linear' || mod?.kind === 'lm_head');
    return {
      name: p.name,
      shape: [...p.shape],
      numel: numel(p.shape),
      trainable: false,
      storage: null,
      decay: !p.name.endsWith('.bias') && mod?.kind !== 'norm',
      matmul: isMatrix ? (mod?.layout ?? 'linear') : null,
      module: ownerOf(p.name),
      added: false,
    };
  });
  // A tied head multiplies by the embedding matrix: count it as a matmul weight once.
  const head = catalog.modules.find((m) => m.kind === 'lm_head');
  if (head?.tiedTo) {
    const emb = tensors.find((t) => t.name === `${head.tiedTo}.weight`);
    if (emb) emb.matmul = 'linear';
  }
  const modules = catalog.modules.map(
    (m): PlannedModule => ({ path: m.path, kind: m.kind, inFeatures: m.inFeatures, outFeatures: m.outFeatures, layout: m.layout ?? null, placement: m.tiedTo ? 'tied' : '', label: '', params: 0, trainableParams: 0, addedParams: 0, tiedTo: m.tiedTo ?? null }),
  );
  return { modules, tensors, extraActivationsPerToken: 0, extraState: [], summary: [], details: {} };
}

/** Module counts from the tensors; `frozen` / `trainable` / `partial` for modules no plugin placed. */
export function finishPlacement(p: ModelPlacement): ModelPlacement {
  const byModule = new Map<string, PlannedTensor[]>();
  for (const t of p.tensors) byModule.set(t.module, [...(byModule.get(t.module) ?? []), t]);
  for (const m of p.modules) {
    const own = byModule.get(m.path) ?? [];
    m.params = own.filter((t) => !t.added).reduce((n, t) => n + t.numel, 0);
    m.addedParams = own.filter((t) => t.added).reduce((n, t) => n + t.numel, 0);
    m.trainableParams = own.filter((t) => t.trainable).reduce((n, t) => n + t.numel, 0);
    if (!m.placement) m.placement = m.trainableParams === 0 ? 'frozen' : m.trainableParams === m.params + m.addedParams ? 'trainable' : 'partial';
    if (!m.label) m.label = m.placement;
  }
  return p;
}
