/**
 * The base of every architecture: parameters by HF name, Linear slots by HF module path, masks and
 * positions, the (tied) LM head. Subclasses implement only the transformer body (`hidden`).
 *
 * @example
 * const model = await loadModel('tests/fixtures/parity/llama/model');
 * const logits = model.forward([[1, 2, 3]]);            // [1, 3, vocab]
 * for (const m of model.modules()) if (m.kind === 'linear') console.log(m.path, m.layout);
 */
import { checkpointActivations, tf } from '../engine/index.js';
import { fail } from '../diagnostics/index.js';
import type { HostTensor } from '../io/safetensors/index.js';
import type { ModelConfig } from './catalog.js';
import { DenseLinear, type LinearImpl, LinearSlot } from './layers/linear.js';
import { KVCache } from './layers/kv-cache.js';
import { type ForwardContext, type ForwardOptions, buildForwardContext } from './forward-context.js';
import { Parameter, withParameterValues } from './layers/parameter.js';
import { embed } from './layers/embedding.js';
import { LmHead } from './lm-head.js';
import type { EmbeddingAdapter } from './embedding-adapter.js';
import type { ModelCatalog, ModuleInfo } from './types.js';

export type { ForwardOptions };

/** Builds a linear slot's implementation from its (frozen or trainable) bias. */
export type LinearFactory = (bias: Parameter | null) => LinearImpl;

/** Which parameters become trainable `tf.Variable`s (default: none — inference). */
export type TrainableSpec = boolean | ((name: string) => boolean);

/** A causal language model: parameters, Linear slots, forward pass, LM head, KV cache. */
export abstract class CausalLM {
  protected readonly params = new Map<string, Parameter>();
  protected readonly slots = new Map<string, LinearSlot>();
  /** The output head as a swappable slot (null only for a catalogue without an `lm_head` module). */
  private readonly head: LinearSlot | null = null;
  private readonly baseHead: LmHead | null = null;
  private readonly embeddingAdapters = new Map<string, EmbeddingAdapter>();
  private gradientCheckpointing = false;
  /** Constants of the last checkpointed forward, freed when the next forward starts (its backward is done). */
  private deferred: tf.Tensor[] = [];

  constructor(
    readonly config: ModelConfig,
    readonly catalog: ModelCatalog,
    weights: ReadonlyMap<string, HostTensor>,
    trainable: TrainableSpec = false,
    /** Linear slots built from something other than a float weight (e.g. pre-quantized 4-bit), by module path. */
    linears: ReadonlyMap<string, LinearFactory> = new Map(),
  ) {
    const isTrainable = typeof trainable === 'function' ? trainable : () => trainable;
    const make = (name: string, shape: number[]): Parameter => new Parameter(name, tf.tensor(hostData(weights, name, shape), shape), isTrainable(name));
    const linearPaths = new Set(catalog.modules.filter((m) => m.kind === 'linear').map((m) => m.path));
    for (const spec of catalog.parameters) {
      const owner = spec.name.slice(0, spec.name.lastIndexOf('.'));
      if (!linearPaths.has(owner)) this.params.set(spec.name, make(spec.name, spec.shape));
    }
    for (const m of catalog.modules) {
      if (m.kind !== 'linear' || m.layout === undefined) continue;
      const b = m.bias ? make(`${m.path}.bias`, [m.outFeatures]) : null;
      const factory = linears.get(m.path);
      const wShape = m.layout === 'conv1d' ? [m.inFeatures, m.outFeatures] : [m.outFeatures, m.inFeatures];
      const impl = factory ? factory(b) : new DenseLinear(m.layout, make(`${m.path}.weight`, wShape), b);
      this.slots.set(m.path, new LinearSlot({ path: m.path, inFeatures: m.inFeatures, outFeatures: m.outFeatures, layout: m.layout }, impl));
    }
    const headInfo = catalog.modules.find((m) => m.kind === 'lm_head');
    if (headInfo) {
      const name = headInfo.tiedTo !== undefined ? `${headInfo.tiedTo}.weight` : `${headInfo.path}.weight`;
      const prm = this.params.get(name);
      if (!prm) throw new Error(`internal: no parameter ${name}`);
      this.baseHead = new LmHead(prm, headInfo.tiedTo ?? null);
      this.head = new LinearSlot({ path: headInfo.path, inFeatures: headInfo.inFeatures, outFeatures: headInfo.outFeatures, layout: 'linear' }, this.baseHead);
    }
  }

  /** The transformer body: token ids `[B, T]` → final normed hidden states `[B, T, hidden]`. */
  protected abstract hidden(ids: tf.Tensor2D, ctx: ForwardContext): tf.Tensor;

  /** Name prefix of layer `i`'s parameters, e.g. `model.layers.3.`. */
  protected abstract layerPrefix(i: number): string;

  /**
   * Activation checkpointing (HF `gradient_checkpointing_enable`): each transformer layer keeps only
   * its input during the forward pass and is recomputed in the backward pass. Off by default; it has
   * no effect with a KV cache (inference).
   */
  setGradientCheckpointing(enabled: boolean): void {
    this.gradientCheckpointing = enabled;
  }

  /** Run one transformer layer, checkpointed when enabled (subclasses route every layer through here). */
  protected layer(i: number, x: tf.Tensor, ctx: ForwardContext, body: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
    if (!this.gradientCheckpointing || ctx.cache) return body(x);
    const prefix = this.layerPrefix(i);
    const params = this.namedParameters()
      .filter(([n, p]) => p.trainable && n.startsWith(prefix))
      .map(([, p]) => p);
    const block = checkpointActivations((xi: tf.Tensor, ...vs: tf.Tensor[]) => withParameterValues(new Map(params.map((p, k) => [p, vs[k] as tf.Tensor])), () => body(xi)));
    return block(x, ...params.map((p) => p.value));
  }

  /** Number of transformer layers (KV cache size). */
  abstract get numLayers(): number;

  /** Value of a non-linear parameter by full HF name. */
  protected p(name: string): tf.Tensor {
    const prm = this.params.get(name);
    if (!prm) throw new Error(`internal: no parameter ${name}`);
    return prm.value;
  }

  /** The Linear slot at an HF module path. */
  linear(path: string): LinearSlot {
    const slot = this.slots.get(path);
    if (!slot) fail('MODEL_UNKNOWN_MODULE', `no linear module \`${path}\``, { hint: `linear modules look like ${[...this.slots.keys()][0] ?? '?'}` });
    return slot;
  }

  /** Swap a slot's implementation (LoRA, quantized, …); returns the previous one (not disposed). */
  replaceLinear(path: string, impl: LinearImpl): LinearImpl {
    const slot = this.linear(path);
    const old = slot.impl;
    slot.impl = impl;
    return old;
  }

  /** The output head as a Linear slot (`lm_head`; its weight is the embedding matrix when tied). */
  headSlot(): LinearSlot {
    if (!this.head) fail('MODEL_UNKNOWN_MODULE', `this ${this.config.modelType} model has no output head`);
    return this.head;
  }

  /** Swap the head's implementation (LoRA on `lm_head`); returns the previous one (not disposed). */
  replaceHead(impl: LinearImpl): LinearImpl {
    const slot = this.headSlot();
    const old = slot.impl;
    slot.impl = impl;
    return old;
  }

  /** Put an adapter on (or, with null, remove it from) the embedding at an HF module path; returns the previous one. */
  setEmbeddingAdapter(path: string, adapter: EmbeddingAdapter | null): EmbeddingAdapter | null {
    if (!this.catalog.modules.some((m) => m.path === path && m.kind === 'embedding')) {
      fail('MODEL_UNKNOWN_MODULE', `no embedding module \`${path}\``, { hint: `embedding modules: ${this.catalog.modules.filter((m) => m.kind === 'embedding').map((m) => m.path).join(', ')}` });
    }
    const old = this.embeddingAdapters.get(path) ?? null;
    if (adapter) this.embeddingAdapters.set(path, adapter);
    else this.embeddingAdapters.delete(path);
    return old;
  }

  /** Look up `ids [B, T]` in the embedding at `path` (`weight[ids]`), through its adapter if one is set. */
  protected embedding(path: string, ids: tf.Tensor): tf.Tensor {
    const base = embed(this.p(`${path}.weight`), ids);
    const adapter = this.embeddingAdapters.get(path);
    return adapter ? adapter.apply(ids, base) : base;
  }

  /**
   * Frozen nn.Linear weights and the LM head are multiplied by cached transposed copies (on wasm a
   * transposed matmul re-transposes its operand on every call). Turn this off to save one weight-sized
   * copy per frozen projection when memory is tighter than time.
   */
  setTransposeCache(enabled: boolean): void {
    if (this.baseHead) {
      this.baseHead.cacheTransposed = enabled;
      if (!enabled) this.baseHead.releaseCaches();
    }
    for (const slot of this.slots.values()) {
      if (slot.impl instanceof DenseLinear) {
        slot.impl.cacheTransposed = enabled;
        if (!enabled) slot.impl.releaseCaches();
      }
    }
  }

  /** Module tree with HF paths, kinds, feature sizes and weight layouts. */
  modules(): ModuleInfo[] {
    return this.catalog.modules.map((m) => ({ ...m }));
  }

  /** Every parameter in HF `named_parameters()` order, including ones added by slot implementations. */
  namedParameters(): [string, Parameter][] {
    const out: [string, Parameter][] = [];
    const emitted = new Set<string>();
    for (const spec of this.catalog.parameters) {
      const prm = this.params.get(spec.name);
      if (prm) {
        out.push([spec.name, prm]);
        const owner = spec.name.slice(0, spec.name.lastIndexOf('.'));
        const adapter = spec.name.endsWith('.weight') ? this.embeddingAdapters.get(owner) : undefined;
        if (adapter) for (const [local, q] of adapter.parameters()) out.push([`${owner}.${local}`, q]);
        continue;
      }
      const path = spec.name.slice(0, spec.name.lastIndexOf('.'));
      if (emitted.has(path)) continue;
      emitted.add(path);
      const slot = this.slots.get(path);
      if (slot) for (const [local, q] of slot.impl.parameters()) out.push([`${path}.${local}`, q]);
    }
    // The head is the last module: parameters a head implementation adds (LoRA) come last, as in PEFT.
    if (this.head) for (const [local, q] of this.head.impl.parameters()) out.push([`${this.head.path}.${local}`, q]);
    return out;
  }

  /** The trainable variables, in HF order (for `tf.variableGrads` and optimizers). */
  trainableVariables(): tf.Variable[] {
    return this.namedParameters()
      .filter(([, q]) => q.trainable)
      .map(([, q]) => q.variable);
  }

  /** An empty KV cache sized for this model. */
  newCache(): KVCache {
    return new KVCache(this.numLayers);
  }

  /** Logits `[B, T, vocab]` for token ids `[B][T]` (HF `*ForCausalLM.forward`). */
  forward(inputIds: number[][], opts: ForwardOptions = {}): tf.Tensor3D {
    return tf.tidy(() => this.lmHead(this.forwardHidden(inputIds, opts))) as tf.Tensor3D;
  }

  /** Final hidden states `[B, T, hidden]` (for a fused loss that avoids full logits). */
  forwardHidden(inputIds: number[][], opts: ForwardOptions = {}): tf.Tensor {
    tf.dispose(this.deferred);
    this.deferred = [];
    const ctx = this.context(inputIds, opts);
    const ids = tf.tensor2d(inputIds.flat(), [ctx.batch, ctx.length], 'int32');
    try {
      return tf.tidy(() => this.hidden(ids, ctx));
    } finally {
      ids.dispose();
      const masks = ctx.ownedMasks();
      if (this.checkpointing(ctx)) this.deferred.push(...masks);
      else tf.dispose(masks);
    }
  }

  private checkpointing(ctx: { cache: KVCache | null }): boolean {
    return this.gradientCheckpointing && ctx.cache === null;
  }

  /** hidden `[..., d]` → logits `[..., vocab]`, through the head slot (tied embedding or `lm_head`). */
  lmHead(h: tf.Tensor): tf.Tensor {
    return this.headSlot().apply(h);
  }

  private context(inputIds: number[][], opts: ForwardOptions): ForwardContext {
    return buildForwardContext(this.config, inputIds, opts, (t) => {
      if (this.checkpointing({ cache: opts.cache ?? null })) this.deferred.push(tf.keep(t));
    });
  }

  /** Release every tensor of the model. */
  dispose(): void {
    tf.dispose(this.deferred);
    this.deferred = [];
    // Each implementation once, wrapped bases (an adapter's base layer) included.
    const impls = new Set<LinearImpl>();
    for (const slot of [...this.slots.values(), ...(this.head ? [this.head] : [])]) for (let i: LinearImpl | undefined = slot.impl; i; i = i.base) impls.add(i);
    if (this.baseHead) impls.add(this.baseHead);
    for (const i of impls) i.dispose();
    for (const a of this.embeddingAdapters.values()) a.dispose();
    this.embeddingAdapters.clear();
    for (const prm of this.params.values()) prm.dispose();
    this.params.clear();
    this.slots.clear();
  }
}

function hostData(weights: ReadonlyMap<string, HostTensor>, name: string, shape: number[]): Float32Array {
  const t = weights.get(name);
  if (!t) fail('MODEL_WEIGHT_MISSING', `the checkpoint has no tensor \`${name}\``, { expected: `[${shape.join(', ')}]` });
  if (t.shape.length !== shape.length || t.shape.some((s, i) => s !== shape[i])) {
    fail('MODEL_WEIGHT_SHAPE', `tensor \`${name}\` has shape [${t.shape.join(', ')}]`, { expected: `[${shape.join(', ')}]`, found: `[${t.shape.join(', ')}]`, hint: 'the checkpoint does not match its config.json' });
  }
  if (!(t.data instanceof Float32Array)) fail('MODEL_WEIGHT_SHAPE', `tensor \`${name}\` has dtype ${t.dtype}, expected a float dtype`);
  return t.data;
}
