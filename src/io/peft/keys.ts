/**
 * PEFT adapter tensor keys ↔ module paths. Keys are `base_model.model.<module>.lora_A.weight`
 * etc.; the adapter name (`default`) is never in the file.
 */
import { fail } from '../../diagnostics/index.js';
import type { HostTensor, TensorMap } from '../safetensors/types.js';
import type { LoraAdapterConfig } from './config.js';

/** Prefix of every key in adapter_model.safetensors. */
export const PEFT_PREFIX = 'base_model.model.';

/** The LoRA tensors of one adapted module. */
export interface LoraModuleWeights {
  /** Module path in the base model, e.g. `model.layers.0.self_attn.q_proj`. */
  module: string;
  /** [r, in] (nn.Linear layout, also for GPT-2 Conv1D targets). */
  loraA?: HostTensor;
  /** [out, r]. */
  loraB?: HostTensor;
  /** [out], only with PEFT ≥ 0.14 `lora_bias`. */
  loraBBias?: HostTensor;
  /** Embedding targets: `lora_embedding_A` [r, num_embeddings], `lora_embedding_B` [dim, r]. */
  embeddingA?: HostTensor;
  embeddingB?: HostTensor;
  /** DoRA magnitude [out]. */
  magnitude?: HostTensor;
}

/** Adapter tensors grouped by module, plus other saved parameters (modules_to_save, biases). */
export interface AdapterTensors {
  modules: Map<string, LoraModuleWeights>;
  /** Parameters that are not LoRA factors, keyed by their base-model name (prefix stripped). */
  other: TensorMap;
}

type Part = 'loraA' | 'loraB' | 'loraBBias' | 'embeddingA' | 'embeddingB' | 'magnitude';
const SUFFIXES: readonly [string, Part][] = [
  ['.lora_A.weight', 'loraA'], ['.lora_B.weight', 'loraB'], ['.lora_B.bias', 'loraBBias'],
  ['.lora_embedding_A', 'embeddingA'], ['.lora_embedding_B', 'embeddingB'], ['.lora_magnitude_vector', 'magnitude'],
];
const KEY_OF: Readonly<Record<Part, string>> = Object.fromEntries(SUFFIXES.map(([s, p]) => [p, s])) as Record<Part, string>;

/** The file key of a LoRA tensor: `loraKey('model.layers.0.self_attn.q_proj', 'loraA')`. */
export function loraKey(module: string, part: Part): string {
  return `${PEFT_PREFIX}${module}${KEY_OF[part]}`;
}

/** The rank configured for a module, honouring `rank_pattern` as PEFT 0.12 matches it (`.*\.{key}$`). */
export function rankFor(config: Pick<LoraAdapterConfig, 'r' | 'rankPattern'>, module: string): number {
  for (const [pattern, r] of Object.entries(config.rankPattern)) {
    try {
      if (new RegExp(`^.*\\.${pattern}$`).test(module) || module === pattern) return r;
    } catch {
      if (module.endsWith(`.${pattern}`)) return r;
    }
  }
  return config.r;
}

/** Group stored adapter tensors by module and check key names, pairing and shapes against the config. */
export function groupAdapterTensors(tensors: TensorMap, config: Pick<LoraAdapterConfig, 'r' | 'rankPattern'>, file: string): AdapterTensors {
  const modules = new Map<string, LoraModuleWeights>();
  const other: TensorMap = new Map();
  for (const [key, t] of tensors) {
    if (!key.startsWith(PEFT_PREFIX)) {
      fail('IO_PEFT_KEY_INVALID', `adapter tensor \`${key}\` does not start with \`${PEFT_PREFIX}\``, {
        file, path: `/${key}`, expected: `${PEFT_PREFIX}<module path>.lora_A.weight`, found: key,
        hint: 'the file was not written by PEFT save_pretrained; re-export it with PEFT or tunekit',
      });
    }
    if (/\.lora_[AB]\.[^.]+\.(weight|bias)$/.test(key) || /\.lora_(embedding_[AB]|magnitude_vector)\.[^.]+$/.test(key)) {
      fail('IO_PEFT_KEY_INVALID', `adapter tensor \`${key}\` contains an adapter name`, {
        file, path: `/${key}`, expected: 'keys without the adapter name (e.g. `.lora_A.weight`, not `.lora_A.default.weight`)', found: key,
        hint: 'PEFT inserts the adapter name on load; a key that already holds it is ignored (leaving a no-op adapter). Save with get_peft_model_state_dict.',
      });
    }
    const rest = key.slice(PEFT_PREFIX.length);
    const hit = SUFFIXES.find(([s]) => rest.endsWith(s));
    if (!hit) {
      other.set(rest, t);
      continue;
    }
    const module = rest.slice(0, rest.length - hit[0].length);
    const entry = modules.get(module) ?? { module };
    entry[hit[1]] = t;
    modules.set(module, entry);
  }
  for (const m of modules.values()) checkModule(m, config, file);
  return { modules, other };
}

function checkModule(m: LoraModuleWeights, config: Pick<LoraAdapterConfig, 'r' | 'rankPattern'>, file: string): void {
  const pairs: [HostTensor | undefined, HostTensor | undefined, string, string][] = [
    [m.loraA, m.loraB, 'lora_A.weight', 'lora_B.weight'], [m.embeddingA, m.embeddingB, 'lora_embedding_A', 'lora_embedding_B'],
  ];
  for (const [a, b, an, bn] of pairs) {
    if (!a && !b) continue;
    if (!a || !b) {
      fail('IO_PEFT_KEY_INVALID', `adapter module \`${m.module}\` has ${a ? an : bn} but no ${a ? bn : an}`, {
        file, path: `/${PEFT_PREFIX}${m.module}`, expected: `both ${an} and ${bn}`, found: a ? an : bn, hint: 'the adapter file is incomplete; re-export it',
      });
    }
    const r = rankFor(config, m.module);
    const rA = a.shape[0];
    const rB = b.shape[b.shape.length - 1];
    if (a.shape.length !== 2 || b.shape.length !== 2 || rA !== rB || rA !== r) {
      fail('IO_PEFT_SHAPE_MISMATCH', `adapter module \`${m.module}\`: ${an} [${a.shape.join(', ')}] and ${bn} [${b.shape.join(', ')}] do not fit rank ${r}`, {
        file, path: `/${PEFT_PREFIX}${m.module}.${an}`, expected: `${an} [${r}, in] and ${bn} [out, ${r}]`, found: `[${a.shape.join(', ')}] and [${b.shape.join(', ')}]`,
        hint: 'adapter_config.json `r` / `rank_pattern` must match the saved tensors; the config and weights may come from different runs',
      });
    }
  }
}
