/**
 * PEFT LoRA `adapter_config.json`: a typed view for reading (any PEFT version) and a writer that
 * emits exactly the fields PEFT 0.12 knows, formatted as `json.dumps(indent=2, sort_keys=True)`.
 * PEFT < 0.14 raises TypeError on an unknown key, so the writer never adds newer fields.
 */
import { fail } from '../../diagnostics/index.js';
import { jsonPosition } from '../json-position.js';
import { pyJsonDumps, type PyJsonValue } from '../py-json.js';

/** LoRA adapter settings in camelCase; names map 1:1 to PEFT's snake_case fields. */
export interface LoraAdapterConfig {
  peftType: 'LORA';
  taskType: string | null;
  baseModelNameOrPath: string | null;
  revision: string | null;
  inferenceMode: boolean;
  r: number;
  loraAlpha: number;
  loraDropout: number;
  /** A list of module names / suffixes, a regex string (fullmatch), `"all-linear"`, or null. */
  targetModules: string[] | string | null;
  fanInFanOut: boolean;
  bias: 'none' | 'all' | 'lora_only';
  useRslora: boolean;
  modulesToSave: string[] | null;
  /** true, false, or a method name (`gaussian`, `pissa`, `olora`, `loftq`, …). */
  initLoraWeights: boolean | string;
  layersToTransform: number[] | number | null;
  layersPattern: string[] | string | null;
  rankPattern: Record<string, number>;
  alphaPattern: Record<string, number>;
  useDora: boolean;
  layerReplication: [number, number][] | null;
  /** Passed through untouched (PEFT fields tunekit does not interpret). */
  autoMapping: unknown;
  megatronConfig: unknown;
  megatronCore: unknown;
  loftqConfig: unknown;
}

/**
 * PEFT 0.12.0 LoraConfig defaults (PeftConfigMixin + PeftConfig + LoraConfig dataclass fields,
 * checked against huggingface/peft tag v0.12.0; `runtime_config` is dropped by its to_dict).
 * Exception: `taskType` defaults to CAUSAL_LM (PEFT: null) because tunekit trains causal LMs and
 * `get_peft_model(task_type="CAUSAL_LM")` is what HF loaders expect.
 */
export const PEFT_012_DEFAULTS: Readonly<LoraAdapterConfig> = Object.freeze({
  peftType: 'LORA', taskType: 'CAUSAL_LM', baseModelNameOrPath: null, revision: null, inferenceMode: false,
  r: 8, loraAlpha: 8, loraDropout: 0.0, targetModules: null, fanInFanOut: false, bias: 'none', useRslora: false,
  modulesToSave: null, initLoraWeights: true, layersToTransform: null, layersPattern: null, rankPattern: {}, alphaPattern: {},
  useDora: false, layerReplication: null, autoMapping: null, megatronConfig: null, megatronCore: 'megatron.core', loftqConfig: {},
});

/** camelCase field → PEFT 0.12 JSON key. These 24 keys are exactly what PEFT 0.12 writes. */
export const PEFT_012_KEYS: Readonly<Record<keyof LoraAdapterConfig, string>> = Object.freeze({
  peftType: 'peft_type', taskType: 'task_type', baseModelNameOrPath: 'base_model_name_or_path', revision: 'revision',
  inferenceMode: 'inference_mode', r: 'r', loraAlpha: 'lora_alpha', loraDropout: 'lora_dropout', targetModules: 'target_modules',
  fanInFanOut: 'fan_in_fan_out', bias: 'bias', useRslora: 'use_rslora', modulesToSave: 'modules_to_save',
  initLoraWeights: 'init_lora_weights', layersToTransform: 'layers_to_transform', layersPattern: 'layers_pattern',
  rankPattern: 'rank_pattern', alphaPattern: 'alpha_pattern', useDora: 'use_dora', layerReplication: 'layer_replication',
  autoMapping: 'auto_mapping', megatronConfig: 'megatron_config', megatronCore: 'megatron_core', loftqConfig: 'loftq_config',
});

/** A parsed adapter config plus keys this version of tunekit does not know. */
export interface ParsedAdapterConfig {
  config: LoraAdapterConfig;
  /** Fields PEFT 0.12 does not define (written by newer PEFT versions, e.g. `lora_bias`), as read. */
  extras: Record<string, unknown>;
}

type Check = (v: unknown) => boolean;
const isStrList = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isNumMap = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'number');
const CHECKS: Partial<Record<keyof LoraAdapterConfig, [Check, string]>> = {
  taskType: [(v) => v === null || typeof v === 'string', 'a string or null'],
  baseModelNameOrPath: [(v) => v === null || typeof v === 'string', 'a string or null'],
  revision: [(v) => v === null || typeof v === 'string', 'a string or null'],
  inferenceMode: [(v) => typeof v === 'boolean', 'true or false'],
  r: [(v) => typeof v === 'number' && Number.isInteger(v) && v > 0, 'a positive integer'],
  loraAlpha: [(v) => typeof v === 'number' && v > 0, 'a positive number'],
  loraDropout: [(v) => typeof v === 'number' && v >= 0 && v < 1, 'a number in [0, 1)'],
  targetModules: [(v) => v === null || typeof v === 'string' || isStrList(v), 'a list of module names, a regex string, or "all-linear"'],
  fanInFanOut: [(v) => typeof v === 'boolean', 'true or false'],
  bias: [(v) => v === 'none' || v === 'all' || v === 'lora_only', '"none", "all" or "lora_only"'],
  useRslora: [(v) => typeof v === 'boolean', 'true or false'],
  modulesToSave: [(v) => v === null || isStrList(v), 'a list of module names or null'],
  initLoraWeights: [(v) => typeof v === 'boolean' || typeof v === 'string', 'true, false or an init method name'],
  layersToTransform: [(v) => v === null || Number.isInteger(v) || (Array.isArray(v) && v.every((x) => Number.isInteger(x))), 'a layer index, a list of them, or null'],
  layersPattern: [(v) => v === null || typeof v === 'string' || isStrList(v), 'a string, a list of strings, or null'],
  rankPattern: [(v) => v === null || isNumMap(v), 'an object of module pattern → rank'],
  alphaPattern: [(v) => v === null || isNumMap(v), 'an object of module pattern → alpha'],
  useDora: [(v) => typeof v === 'boolean', 'true or false'],
  layerReplication: [(v) => v === null || (Array.isArray(v) && v.every((p) => Array.isArray(p) && p.length === 2)), 'a list of [start, end] pairs or null'],
};

/**
 * Parse adapter_config.json content (from any PEFT version) into a typed LoRA config.
 * Non-LoRA adapters and mistyped fields fail with IO_PEFT_CONFIG_INVALID at the field's position.
 */
export function parseAdapterConfig(raw: Record<string, unknown>, file?: string, text?: string): ParsedAdapterConfig {
  const bad = (key: string, expected: string, found: unknown): never =>
    fail('IO_PEFT_CONFIG_INVALID', `adapter_config.json field \`${key}\` ${found === undefined ? 'is missing' : 'is invalid'}`, {
      ...(file ? { file } : {}), ...jsonPosition(text, [key]), path: `/${key}`, expected, found: found === undefined ? 'nothing' : JSON.stringify(found),
      hint: key === 'peft_type' ? 'tunekit reads LoRA adapters (peft_type "LORA") only' : `fix \`${key}\` (PEFT expects ${expected})`,
    });
  if (raw['peft_type'] !== 'LORA') bad('peft_type', '"LORA"', raw['peft_type']);
  const config = { ...PEFT_012_DEFAULTS } as Record<string, unknown>;
  const known = new Set<string>();
  for (const [field, key] of Object.entries(PEFT_012_KEYS) as [keyof LoraAdapterConfig, string][]) {
    known.add(key);
    if (!Object.hasOwn(raw, key)) continue;
    const v = raw[key];
    const check = CHECKS[field];
    if (check && !check[0](v)) bad(key, check[1], v);
    config[field] = (field === 'rankPattern' || field === 'alphaPattern') && v === null ? {} : v;
  }
  const extras: Record<string, unknown> = {};
  for (const k of Object.keys(raw).sort()) if (!known.has(k)) extras[k] = raw[k];
  return { config: config as unknown as LoraAdapterConfig, extras };
}

/**
 * adapter_config.json text as PEFT 0.12 `save_pretrained` writes it: all 24 PEFT 0.12 fields,
 * sorted keys, indent 2, `inference_mode: true`, `lora_dropout` as a float. No trailing newline
 * (PEFT writes `json.dumps(...)` as is).
 */
export function adapterConfigJson(config: Partial<LoraAdapterConfig>): string {
  const full: LoraAdapterConfig = { ...PEFT_012_DEFAULTS, ...config, inferenceMode: true, peftType: 'LORA' };
  const out: Record<string, PyJsonValue> = {};
  for (const [field, key] of Object.entries(PEFT_012_KEYS) as [keyof LoraAdapterConfig, string][]) {
    let v = full[field] as PyJsonValue;
    // PEFT stores list targets as a set; writing dedupes them (order as given).
    if ((field === 'targetModules' || field === 'modulesToSave') && Array.isArray(v)) v = [...new Set(v as string[])];
    out[key] = v;
  }
  return pyJsonDumps(out, { isFloat: (key, path) => key === 'lora_dropout' && path.length === 1 });
}
