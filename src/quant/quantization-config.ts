/**
 * `quantization_config` of an HF config.json written for a bitsandbytes 4-bit model
 * (transformers `BitsAndBytesConfig.to_dict`). Only 4-bit with uint8 storage is supported.
 */
import { fail } from '../diagnostics/index.js';
import type { QuantType } from './codes.js';
import type { QuantDtype } from './quant-state.js';

/** The fields tunekit uses, with HF's defaults filled in. */
export interface BnbQuantizationConfig {
  quantMethod: 'bitsandbytes';
  loadIn4bit: true;
  /** HF default `fp4`; QLoRA uses `nf4`. */
  quantType: QuantType;
  /** HF default false; QLoRA uses true. */
  useDoubleQuant: boolean;
  /** HF default `float32`. tunekit computes in float32 on engines without 16-bit floats. */
  computeDtype: QuantDtype;
  /** Module names left unquantized (`llm_int8_skip_modules`). */
  skipModules: string[];
}

function bad(file: string | undefined, key: string, expected: string, found: unknown, hint: string): never {
  fail('QUANT_CONFIG_INVALID', `quantization_config.${key} is not supported`, {
    ...(file ? { file } : {}),
    path: `/quantization_config/${key}`,
    expected,
    found: JSON.stringify(found) ?? 'undefined',
    hint,
  });
}

/** Accept `bfloat16` and `torch.bfloat16` spellings. */
function dtypeOf(v: unknown): QuantDtype | undefined {
  if (v === undefined || v === null) return 'float32';
  if (typeof v !== 'string') return undefined;
  const s = v.replace(/^torch\./, '');
  return s === 'float32' || s === 'bfloat16' || s === 'float16' ? s : undefined;
}

/**
 * Parse and validate `config.json`'s `quantization_config`; `undefined` when the model is not
 * quantized. `file` is the config path for diagnostics.
 *
 * @example
 * const q = parseQuantizationConfig(JSON.parse(text).quantization_config, 'model/config.json');
 */
export function parseQuantizationConfig(raw: unknown, file?: string): BnbQuantizationConfig | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw !== 'object' || Array.isArray(raw)) bad(file, '', 'an object', raw, 'remove quantization_config or write it as transformers does');
  const q = raw as Record<string, unknown>;
  if (q['quant_method'] !== 'bitsandbytes') bad(file, 'quant_method', '"bitsandbytes"', q['quant_method'], 'only bitsandbytes 4-bit checkpoints can be loaded; GPTQ/AWQ/… are not supported');
  const in8 = q['load_in_8bit'] ?? q['_load_in_8bit'];
  const in4 = q['load_in_4bit'] ?? q['_load_in_4bit'];
  if (in8 === true) bad(file, 'load_in_8bit', 'false', in8, 'LLM.int8 checkpoints are not supported; load the float model and quantize to 4-bit');
  if (in4 !== true) bad(file, 'load_in_4bit', 'true', in4, 'only 4-bit bitsandbytes checkpoints are supported');
  const qt = q['bnb_4bit_quant_type'] ?? 'fp4';
  if (qt !== 'nf4' && qt !== 'fp4') bad(file, 'bnb_4bit_quant_type', '"nf4" or "fp4"', qt, 'use nf4 (QLoRA) or fp4');
  const dq = q['bnb_4bit_use_double_quant'] ?? false;
  if (typeof dq !== 'boolean') bad(file, 'bnb_4bit_use_double_quant', 'true or false', dq, 'write a JSON boolean');
  const cd = dtypeOf(q['bnb_4bit_compute_dtype']);
  if (!cd) bad(file, 'bnb_4bit_compute_dtype', '"float32", "bfloat16" or "float16"', q['bnb_4bit_compute_dtype'], 'use one of the float dtypes');
  const storage = q['bnb_4bit_quant_storage'] ?? 'uint8';
  if (storage !== 'uint8') bad(file, 'bnb_4bit_quant_storage', '"uint8"', storage, 'only uint8 storage (the default) is supported; re-quantize with bnb_4bit_quant_storage=uint8');
  const skipRaw = q['llm_int8_skip_modules'] ?? [];
  if (!Array.isArray(skipRaw) || !skipRaw.every((s) => typeof s === 'string')) bad(file, 'llm_int8_skip_modules', 'a list of module names or null', skipRaw, 'write a list of strings');
  return { quantMethod: 'bitsandbytes', loadIn4bit: true, quantType: qt, useDoubleQuant: dq, computeDtype: cd, skipModules: skipRaw as string[] };
}

/** The `quantization_config` object transformers writes for these settings. */
export function quantizationConfigJson(c: Omit<BnbQuantizationConfig, 'quantMethod' | 'loadIn4bit'>): Record<string, unknown> {
  return {
    _load_in_4bit: true,
    _load_in_8bit: false,
    bnb_4bit_compute_dtype: c.computeDtype,
    bnb_4bit_quant_storage: 'uint8',
    bnb_4bit_quant_type: c.quantType,
    bnb_4bit_use_double_quant: c.useDoubleQuant,
    llm_int8_enable_fp32_cpu_offload: false,
    llm_int8_has_fp16_weight: false,
    llm_int8_skip_modules: c.skipModules.length ? c.skipModules : null,
    llm_int8_threshold: 6.0,
    load_in_4bit: true,
    load_in_8bit: false,
    quant_method: 'bitsandbytes',
  };
}
