/**
 * Put LoRA adapters on a model with PEFT's semantics: target matching, A/B shapes and init, scaling,
 * bias modes, modules_to_save, and the exact PEFT state-dict keys for export and `init_from`.
 */
import { type CausalLM, type HostTensor, Parameter, Rng, tf } from '../../src/index.js';
import { codes } from './codes.js';
import { LoraLinear, gaussianA, kaimingUniformA, type LoraLayerSettings } from './lora-linear.js';
import { LoraEmbedding, newLoraEmbedding } from './lora-embedding.js';
import { expandAllLinear, selectTargets, type TargetSpec } from './targets.js';

export type LoraBias = 'none' | 'all' | 'lora_only';

export interface LoraOptions extends LoraLayerSettings {
  targetModules: TargetSpec;
  excludeModules?: TargetSpec;
  /** The module paths to wrap, as a plan placed them (default: selected from `targetModules`). */
  paths?: readonly string[];
  bias: LoraBias;
  modulesToSave: string[];
  init: 'default' | 'gaussian';
  /** Seed for A's init (and, with `dropoutSeed`, dropout masks). */
  seed: number;
  /** Seed of a layer's dropout mask while training (deterministic per step, micro-batch and layer). */
  dropoutSeed?: (path: string) => number;
  /** Whether dropout is active (training) right now. */
  isTraining?: () => boolean;
}

/** Prefix PEFT puts before model paths in adapter files. */
export const PEFT_PREFIX = 'base_model.model.';

export interface LoraHandle {
  /** Wrapped module paths, in model order. */
  targets: string[];
  /** `target_modules` as it should be written to adapter_config.json. */
  targetModulesForConfig: string | string[];
  /** LoRA on linear layers, by module path. */
  layers: Map<string, LoraLinear>;
  /** LoRA on the output head (`lm_head`), or null. */
  head: LoraLinear | null;
  /** Embedding LoRA (`lora_embedding_A/B`), by embedding module path. */
  embeddings: Map<string, LoraEmbedding>;
  /** Tensors exactly as PEFT's `get_peft_model_state_dict` returns them (keys with `base_model.model.`). */
  adapterTensors(): Promise<Map<string, HostTensor>>;
  /** Load adapter tensors (e.g. `init_from`): every LoRA key must be present with the right shape. */
  loadAdapterTensors(tensors: ReadonlyMap<string, HostTensor>, source: string): void;
}

/** Names of the parameters LoRA adds (`….lora_A.weight`, `….lora_embedding_B`, …). */
export const LORA_PARAM = /\.(lora_[AB]\.weight|lora_embedding_[AB])$/;

/** PEFT's adapter name is inserted after `lora_A`/`lora_B`/`lora_embedding_*` in PeftModel state dicts. */
function withAdapterName(key: string): string {
  return key.replace(/\.(lora_[AB])\.weight$/, '.$1.default.weight').replace(/\.(lora_embedding_[AB])$/, '.$1.default');
}

/** The base nn.Embedding's `padding_idx`: HF gives it exactly to the embeddings it zero-inits a row of. */
function paddingIdx(model: CausalLM, path: string): number | null {
  const spec = model.catalog.parameters.find((p) => p.name === `${path}.weight`);
  return spec?.init.kind === 'normal' && spec.init.zeroRow !== undefined ? spec.init.zeroRow : null;
}

function isMatched(path: string, names: readonly string[]): boolean {
  return names.some((n) => path === n || path.endsWith(`.${n}`));
}

/**
 * Wrap the target linears of `model` with LoRA and set which parameters train: LoRA A/B always;
 * biases per `bias`; every parameter of `modules_to_save` modules. Everything else is frozen.
 */
export function applyLora(model: CausalLM, o: LoraOptions): LoraHandle {
  const modules = model.modules();
  const targets = o.paths ? [...o.paths] : selectTargets(modules, o.targetModules, o.excludeModules ?? []);
  if (targets.length === 0) {
    const linears = expandAllLinear(modules);
    throw codes.error('LORA_NO_TARGETS', `target_modules ${JSON.stringify(o.targetModules)} matches no module of this ${model.config.modelType} model`, {
      expected: `names among ${linears.join(', ')} (or a regex over full paths, or "all-linear")`,
      hint: 'names match a full module path or its last components, e.g. `q_proj` matches `model.layers.0.self_attn.q_proj`',
    });
  }
  const kindOf = (p: string): string | undefined => modules.find((m) => m.path === p)?.kind;
  // PEFT 0.12 `dispatch_default` adapts nn.Linear, Conv1D and nn.Embedding (the head is an nn.Linear); a
  // LayerNorm/RMSNorm target raises "Target module … is not supported".
  const unsupported = targets.filter((p) => !['linear', 'lm_head', 'embedding'].includes(kindOf(p) ?? ''));
  if (unsupported.length) {
    throw codes.error('LORA_UNSUPPORTED_TARGET', `LoRA on ${unsupported.join(', ')} is not supported: PEFT adapts linear layers, embeddings and the output head only`, {
      hint: 'train normalization layers fully instead by listing them in `modules_to_save`',
    });
  }
  const rng = new Rng(o.seed);
  const layers = new Map<string, LoraLinear>();
  const embeddings = new Map<string, LoraEmbedding>();
  let head: LoraLinear | null = null;
  for (const path of targets) {
    const kind = kindOf(path);
    if (kind === 'embedding') {
      const m = modules.find((x) => x.path === path)!;
      const emb = newLoraEmbedding(path, m.inFeatures, m.outFeatures, o, () => rng.normal(), paddingIdx(model, path));
      model.setEmbeddingAdapter(path, emb);
      embeddings.set(path, emb);
      continue;
    }
    const isHead = kind === 'lm_head';
    const slot = isHead ? model.headSlot() : model.linear(path);
    const a = o.init === 'gaussian' ? gaussianA(o.r, slot.inFeatures, () => rng.normal()) : kaimingUniformA(o.r, slot.inFeatures, () => rng.uniform());
    const A = new Parameter(`${path}.lora_A.weight`, tf.tensor2d(a, [o.r, slot.inFeatures]), true);
    const B = new Parameter(`${path}.lora_B.weight`, tf.zeros([slot.outFeatures, o.r]), true);
    const seed = o.dropoutSeed;
    const lora = new LoraLinear(slot.impl, slot.layout, A, B, o, seed ? () => seed(path) : undefined, o.isTraining);
    if (isHead) {
      model.replaceHead(lora);
      head = lora;
    } else {
      model.replaceLinear(path, lora);
      layers.set(path, lora);
    }
  }
  // Trainability of existing parameters.
  const wrappedBias = new Set(targets.map((p) => `${p}.bias`));
  for (const [name, prm] of model.namedParameters()) {
    if (LORA_PARAM.test(name)) continue;
    const owner = name.slice(0, name.lastIndexOf('.'));
    const isBias = name.endsWith('.bias');
    const train = isMatched(owner, o.modulesToSave) || (isBias && (o.bias === 'all' || (o.bias === 'lora_only' && wrappedBias.has(name))));
    prm.setTrainable(train);
  }
  const peftKey = (name: string): string => {
    // A wrapped layer's own bias lives under `base_layer` in PEFT's module tree.
    if (wrappedBias.has(name)) return `${PEFT_PREFIX}${name.slice(0, -'.bias'.length)}.base_layer.bias`;
    return `${PEFT_PREFIX}${name}`;
  };
  const adapterNames = (): [string, Parameter][] =>
    model.namedParameters().filter(([name, prm]) => {
      if (LORA_PARAM.test(name)) return true;
      const owner = name.slice(0, name.lastIndexOf('.'));
      if (isMatched(owner, o.modulesToSave)) return true;
      return prm.trainable && name.endsWith('.bias');
    });
  return {
    targets,
    targetModulesForConfig: o.excludeModules && (typeof o.excludeModules === 'string' || o.excludeModules.length) ? targets : o.targetModules === 'all-linear' ? expandAllLinear(modules) : typeof o.targetModules === 'string' ? o.targetModules : [...o.targetModules],
    layers,
    head,
    embeddings,
    async adapterTensors() {
      const out = new Map<string, HostTensor>();
      for (const [name, prm] of adapterNames()) out.set(peftKey(name), { dtype: 'F32', shape: prm.shape.slice(), data: await prm.data() });
      return out;
    },
    loadAdapterTensors(tensors, source) {
      for (const [name, prm] of adapterNames()) {
        const key = peftKey(name);
        const t = tensors.get(key) ?? tensors.get(withAdapterName(key));
        if (!t) {
          throw codes.error('LORA_ADAPTER_MISMATCH', `adapter ${source} has no tensor \`${key}\``, {
            file: source,
            hint: 'the adapter was trained with other target_modules, r or modules_to_save; match the recipe to its adapter_config.json',
          });
        }
        if (t.shape.join(',') !== prm.shape.join(',')) {
          throw codes.error('LORA_ADAPTER_MISMATCH', `adapter tensor \`${key}\` has shape [${t.shape.join(', ')}]`, { file: source, expected: `[${prm.shape.join(', ')}]`, found: `[${t.shape.join(', ')}]`, hint: 'r or the base model differs from the adapter’s' });
        }
        const v = tf.tensor(t.data as Float32Array, t.shape);
        prm.assign(v);
        v.dispose();
      }
    },
  };
}
