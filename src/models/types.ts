/**
 * Shared, TensorFlow-free types of the model zoo: module descriptions (what `tune plan` and the LoRA
 * plugin see) and parameter specifications (names, shapes and init kinds in HF order).
 */

/** Weight layout of a projection: nn.Linear stores `[out, in]`, GPT-2's Conv1D stores `[in, out]`. */
export type LinearLayout = 'linear' | 'conv1d';

/** What kind of module a path names. */
export type ModuleKind = 'linear' | 'embedding' | 'norm' | 'lm_head';

/** One module of a model, addressed by its HF module path (e.g. `model.layers.0.self_attn.q_proj`). */
export interface ModuleInfo {
  path: string;
  kind: ModuleKind;
  /** For linears: input features; for embeddings: number of embeddings; for norms: the normalized size. */
  inFeatures: number;
  /** For linears: output features; for embeddings: embedding dim; for norms: the normalized size. */
  outFeatures: number;
  /** Weight layout (linears and lm_head only). */
  layout?: LinearLayout;
  /** Whether the module has a bias parameter. */
  bias: boolean;
  /** For a tied lm_head: the embedding path whose weight it uses. */
  tiedTo?: string;
}

/** How a parameter is initialised from scratch (HF `_init_weights` semantics). */
export type InitKind =
  | { kind: 'normal'; std: number; zeroRow?: number }
  | { kind: 'zeros' }
  | { kind: 'ones' };

/** One parameter of a model, in HF `named_parameters()` order. */
export interface ParamSpec {
  name: string;
  shape: number[];
  init: InitKind;
}

/** A model's structure derived from its config alone (no weights, no TensorFlow). */
export interface ModelCatalog {
  modelType: string;
  modules: ModuleInfo[];
  /** Parameters in HF `named_parameters()` order (a tied lm_head is not listed). */
  parameters: ParamSpec[];
  /** Checkpoint names that may appear in a file but are not parameters (buffers); ignored on load. */
  ignoredKeys: RegExp[];
  /** Prefix HF strips or adds between base model and *ForCausalLM names (e.g. `transformer.`). */
  basePrefix: string;
}
