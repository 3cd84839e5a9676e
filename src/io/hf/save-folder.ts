/**
 * Writing an HF model folder as transformers 4.44 `save_pretrained` would: config.json and
 * generation_config.json as `json.dumps(indent=2, sort_keys=True) + "\n"`, safetensors weights
 * (sharded above `maxShardSize`) without the tied `lm_head.weight`, and the tokenizer files.
 * The folder is written atomically.
 */
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fail } from '../../diagnostics/index.js';
import { writeDirAtomic, writeFileAtomic } from '../atomic.js';
import { guardReplace } from '../guard-replace.js';
import { pyJsonDumps, type PyJsonValue } from '../py-json.js';
import { saveShardedSafetensors } from '../safetensors/sharded.js';
import { tensorEntries, type TensorInput } from '../safetensors/writer.js';
import { CONFIG_DEFAULTS, FLOAT_CONFIG_KEYS } from './config-defaults.js';
import { findTokenizerFiles } from './model-folder.js';

/** The transformers version our files claim (the version the parity fixtures were made with). */
export const TRANSFORMERS_VERSION = '4.44.2';

/** Storage dtype of saved weights, as torch names it in config.json. */
export type TorchDtype = 'float32' | 'float16' | 'bfloat16';

/** What {@link saveHfFolder} writes. */
export interface SaveHfFolderOptions {
  /** config.json content in HF layout (v4 or v5 keys; written in the v4 layout). */
  config: Record<string, unknown>;
  /** Weights by HF name. */
  tensors: TensorInput;
  /** Copy tokenizer files from this folder. */
  tokenizerFrom?: string;
  /** generation_config.json content; derived from the config as transformers does when absent. */
  generationConfig?: Record<string, unknown>;
  /** Weight storage dtype (default float32). */
  dtype?: TorchDtype;
  /** Shard limit, bytes or "5GB" (default "5GB"). */
  maxShardSize?: number | string;
}

const isFloatKey = (key: string): boolean => FLOAT_CONFIG_KEYS.has(key);

/** A config dict in the v4 layout with `torch_dtype` and `transformers_version` set. */
export function toV4Config(config: Record<string, unknown>, dtype: TorchDtype): Record<string, unknown> {
  const out: Record<string, unknown> = { ...config };
  delete out['dtype'];
  const params = out['rope_parameters'];
  if (params !== undefined) {
    delete out['rope_parameters'];
    if (params && typeof params === 'object' && !Array.isArray(params)) {
      const { rope_theta: theta, ...rest } = params as Record<string, unknown>;
      if (theta !== undefined) out['rope_theta'] = theta;
      out['rope_scaling'] = rest['rope_type'] === 'default' && Object.keys(rest).length === 1 ? null : rest;
    }
  }
  out['torch_dtype'] = dtype;
  out['transformers_version'] = TRANSFORMERS_VERSION;
  return out;
}

/** config.json text exactly as transformers writes it. */
export function hfJsonText(value: Record<string, unknown>): string {
  return pyJsonDumps(value as PyJsonValue, { isFloat: isFloatKey }) + '\n';
}

/** generation_config.json as `GenerationConfig.from_model_config` + `save_pretrained` would write it. */
export function generationConfigFrom(config: Record<string, unknown>): Record<string, unknown> {
  const type = String(config['model_type'] ?? '');
  const defaults = (CONFIG_DEFAULTS as Record<string, Record<string, unknown> | undefined>)[type] ?? {};
  const pick = (k: string): unknown => (Object.hasOwn(config, k) ? config[k] : defaults[k]);
  const out: Record<string, unknown> = { _from_model_config: true };
  for (const k of ['bos_token_id', 'eos_token_id', 'pad_token_id']) {
    const v = pick(k);
    if (v !== null && v !== undefined) out[k] = v;
  }
  if (config['use_cache'] === false) out['use_cache'] = false;
  out['transformers_version'] = TRANSFORMERS_VERSION;
  return out;
}

function tied(config: Record<string, unknown>): boolean {
  const v = config['tie_word_embeddings'];
  if (typeof v === 'boolean') return v;
  const type = String(config['model_type'] ?? '');
  return ((CONFIG_DEFAULTS as Record<string, Record<string, unknown> | undefined>)[type]?.['tie_word_embeddings'] ?? true) === true;
}

/**
 * Write a complete HF model folder atomically (the folder is built aside and renamed in place).
 * Refuses to replace a non-empty folder that holds no config.json.
 *
 * @example
 * await saveHfFolder('out/merged', { config: base.config.raw, tensors, tokenizerFrom: base.dir });
 */
export async function saveHfFolder(dir: string, options: SaveHfFolderOptions): Promise<void> {
  await guardReplace(dir, 'config.json', 'model folder');
  const dtype = options.dtype ?? 'float32';
  const config = toV4Config(options.config, dtype);
  const drop = tied(config) ? 'lm_head.weight' : undefined;
  const tensors = new Map(tensorEntries(options.tensors).filter(([n]) => n !== drop));
  const tokenizer = options.tokenizerFrom !== undefined ? await findTokenizerFiles(options.tokenizerFrom) : undefined;
  if (options.tokenizerFrom !== undefined && !tokenizer) {
    fail('IO_HF_NO_TOKENIZER', `${options.tokenizerFrom} has no tokenizer files to copy`, {
      file: options.tokenizerFrom, expected: 'tokenizer.json (or vocab.json + merges.txt, or tokenizer.model)', found: 'none',
      hint: 'name the base model folder that holds the tokenizer',
    });
  }
  await writeDirAtomic(dir, async (tmp) => {
    await writeFileAtomic(join(tmp, 'config.json'), hfJsonText(config));
    await writeFileAtomic(join(tmp, 'generation_config.json'), hfJsonText({ ...(options.generationConfig ?? generationConfigFrom(config)), transformers_version: TRANSFORMERS_VERSION }));
    const floats = dtype === 'float16' ? 'F16' : dtype === 'bfloat16' ? 'BF16' : 'F32';
    await saveShardedSafetensors(tmp, tensors, { dtype: floats, maxShardSize: options.maxShardSize ?? '5GB' });
    for (const src of Object.values(tokenizer ?? {})) await copyFile(src, join(tmp, src.split(/[\\/]/).pop() as string));
  });
}
