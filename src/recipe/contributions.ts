/**
 * The recipe keys plugins own. A plugin registers method kinds, optimizers, dataset formats, loss
 * terms and backends, each with the JSON Schema of its keys; the recipe schema is built from the core
 * schema plus these fragments (`buildRecipeSchema`), so a third-party plugin's keys validate with
 * positions and complete in the editor exactly like the built-in ones. Everything here is plain data
 * and TensorFlow-free: `tune validate` reads it.
 */
import type { Diagnostic, DiagnosticInit } from '../diagnostics/index.js';
import type { ArchFacts } from './arch-facts.js';
import type { ExportKind, ResolvedRecipe } from './resolved.js';

export type { ExportKind };

/** A JSON Schema node. */
export type SchemaNode = { [key: string]: unknown };

/** One recipe key a variant introduces. */
export interface KeySpec {
  /** Its JSON Schema, with `description`, `default` and `examples` like every recipe property. */
  schema: SchemaNode;
  /** Hint of the diagnostic that rejects the key for the other variants (default: a generic one). */
  notAllowedHint?: string;
}

/**
 * One value of a discriminated recipe block: a method kind (`method.kind`), an optimizer
 * (`optimizer.name`), a dataset format (`data.datasets[].format`) or a loss term (`regularization.kind`).
 */
export interface VariantSpec {
  /** The discriminator value, e.g. `lora`. */
  name: string;
  /** One line for the schema and `tune --help`-style listings. */
  description: string;
  /** Keys this variant introduces (next to the discriminator). */
  keys?: Readonly<Record<string, KeySpec>>;
  /** Keys introduced by another variant of the same block that this one also takes (qlora takes `lora`). */
  uses?: readonly string[];
  /** Defaults of used keys where they differ from the introducing variant's (e.g. Lion's betas). */
  defaults?: Readonly<Record<string, unknown>>;
  /** An example block for the schema (`{kind: lora, lora: {r: 8}}`). */
  example?: SchemaNode;
}

/** A key the method kind cannot do without (`qlora` needs `quantization`). */
export interface RequiredKey {
  key: string;
  message: string;
  hint?: string;
}

/** What `tune init` writes for a method kind. */
export interface MethodStarter {
  /** Lines of the `method:` block after `kind:` (indented two spaces), commented. */
  lines: string[];
  /** A sensible peak learning rate for the kind, as written in the recipe (`2.0e-4`). */
  lr: string;
}

/**
 * Something a run can write at the end, listed in `output.export` (`adapter`, `merged`, `full`, or
 * a plugin's own). The method's plugin writes it in `exportOutputs`, into `<output.dir>/<folder>`.
 */
export interface ExportKindSpec {
  name: string;
  /** One line for the `output.export` description. */
  description: string;
  /** The folder inside `output.dir` (default: the name). */
  folder?: string;
}

/** A method kind: how the model is trained (`method.kind`). */
export interface MethodSpec extends VariantSpec {
  requires?: readonly RequiredKey[];
  /** What `output.export` may list with this kind, and what it is when not given. */
  exports: { allowed: readonly ExportKind[]; default: readonly ExportKind[]; message?: string; hint?: string };
  /** The starter recipe's method block (`tune init --method <kind>`); `arch` when a model folder is given. */
  starter?(ctx: { arch?: ArchFacts }): MethodStarter;
}

/** Counts the optimizer's state size depends on (from the Plan, TensorFlow-free). */
export interface OptimizerStateCounts {
  trainable: number;
  /** Trainable parameters in tensors of at least 4096 elements (8-bit optimizers keep 32-bit state below). */
  trainableInLargeTensors: number;
}

/** An optimizer (`optimizer.name`). */
export interface OptimizerSpec extends VariantSpec {
  /** Bytes of optimizer state for the given counts, and whether they live on the host (for `tune plan`). */
  stateBytes(settings: Readonly<Record<string, unknown>>, counts: OptimizerStateCounts): { bytes: number; host: boolean };
}

/** A dataset format's recipe side (`data.datasets[].format`); the data pipeline's DatasetFormat extends it. */
export type FormatSpec = VariantSpec;

/** A loss term selected by `regularization.kind` (its value is computed by the plugin's `lossTerms` hook). */
export type LossTermSpec = VariantSpec;

/** A backend's recipe side (`engine.backend`); the engine registry's BackendSpec extends it. */
export interface BackendKeys {
  name: string;
  /** One line: what the backend is (also used in the `engine.backend` description). */
  summary: string;
  /** Position in the `auto` order (lower first); null: never chosen by `auto`. */
  autoOrder: number | null;
  /** Schema of the backend's own settings block, `engine.<name>` (e.g. `engine.torch`). */
  settings?: SchemaNode;
}

/** A recipe spelling from another tool and where the setting lives in a tunekit recipe. */
export interface Alias {
  /** Dotted recipe path of the equivalent setting. */
  to: string;
  /** Extra advice when the mapping is not one-to-one. */
  note?: string;
}

/** Position lookup for a JSON pointer (`prefer` the key or the value). */
export type Locator = (pointer: string, prefer: 'key' | 'value') => { init: DiagnosticInit; note?: string };

/** What a plugin's semantic check sees besides the resolved recipe. */
export interface RecipeCheckContext {
  /** Position of a value of the recipe, for diagnostics. */
  at: Locator;
  /** Put `d` at the recipe position of `pointer` (the key, or by default the value). */
  report(d: Diagnostic, pointer: string, prefer?: 'key' | 'value'): Diagnostic;
  /** The value at `pointer` as the recipe wrote it (after extends and overrides, before defaults). */
  written(pointer: string): unknown;
  /** The model's config.json merged with `model.config`, when it can be read without a download. */
  modelConfig?: Record<string, unknown>;
  /** TensorFlow-free facts of the model's architecture (module names, context length), when known. */
  arch?: ArchFacts;
}

/** A check JSON Schema cannot express (files exist, regexes compile, targets exist in the architecture). */
export type RecipeKeyCheck = (recipe: ResolvedRecipe, ctx: RecipeCheckContext) => Diagnostic[];

/** Everything a plugin contributes to the recipe format. */
export interface RecipeContributions {
  methods?: readonly MethodSpec[];
  optimizers?: readonly OptimizerSpec[];
  datasetFormats?: readonly FormatSpec[];
  lossTerms?: readonly LossTermSpec[];
  /** Export kinds beyond the core's `full` (`output.export`). */
  exportKinds?: readonly ExportKindSpec[];
  /** Spellings from Axolotl, PEFT, the HF Trainer for the keys this plugin owns (unknown-key hints). */
  aliases?: Readonly<Record<string, Alias>>;
  /** Semantic checks of the keys this plugin owns. */
  check?: RecipeKeyCheck;
}

/** The contributions of every plugin a recipe runs with, merged (what the schema is built from). */
export interface RecipeRegistry {
  methods: MethodSpec[];
  optimizers: OptimizerSpec[];
  datasetFormats: FormatSpec[];
  lossTerms: LossTermSpec[];
  exportKinds: ExportKindSpec[];
  backends: BackendKeys[];
  aliases: Record<string, Alias>;
  checks: { plugin: string; check: RecipeKeyCheck }[];
}

/** One plugin's contributions, as the registry collects them. */
export interface ContributingPlugin {
  name: string;
  recipe?: RecipeContributions;
  backends?: readonly BackendKeys[];
}

/** Merge the contributions of plugins, in order. Two plugins registering one name is an error. */
export function collectContributions(plugins: readonly ContributingPlugin[]): RecipeRegistry {
  const reg: RecipeRegistry = { methods: [], optimizers: [], datasetFormats: [], lossTerms: [], exportKinds: [], backends: [], aliases: {}, checks: [] };
  const owners = new Map<string, string>();
  const claim = (kind: string, name: string, plugin: string): void => {
    const key = `${kind}:${name}`;
    const prev = owners.get(key);
    if (prev !== undefined && prev !== plugin) throw new Error(`${kind} \`${name}\` is registered by both \`${prev}\` and \`${plugin}\``);
    owners.set(key, plugin);
  };
  for (const p of plugins) {
    const r = p.recipe ?? {};
    for (const m of r.methods ?? []) (claim('method', m.name, p.name), reg.methods.push(m));
    for (const o of r.optimizers ?? []) (claim('optimizer', o.name, p.name), reg.optimizers.push(o));
    for (const f of r.datasetFormats ?? []) (claim('dataset format', f.name, p.name), reg.datasetFormats.push(f));
    for (const l of r.lossTerms ?? []) (claim('loss term', l.name, p.name), reg.lossTerms.push(l));
    for (const x of r.exportKinds ?? []) (claim('export kind', x.name, p.name), reg.exportKinds.push(x));
    for (const b of p.backends ?? []) (claim('backend', b.name, p.name), reg.backends.push(b));
    Object.assign(reg.aliases, r.aliases ?? {});
    if (r.check) reg.checks.push({ plugin: p.name, check: r.check });
  }
  return reg;
}
