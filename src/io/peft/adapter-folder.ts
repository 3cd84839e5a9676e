/**
 * PEFT adapter folders: `adapter_config.json` + `adapter_model.safetensors`, read into a typed
 * config and grouped tensors, and written as PEFT 0.12 `save_pretrained` writes them.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fail } from '../../diagnostics/index.js';
import { writeDirAtomic, writeFileAtomic } from '../atomic.js';
import { failFs } from '../fs-errors.js';
import { guardReplace } from '../guard-replace.js';
import { parseJsonObject } from '../read-json.js';
import { loadSafetensors } from '../safetensors/reader.js';
import type { TensorMap } from '../safetensors/types.js';
import { saveSafetensors, tensorEntries, type TensorInput } from '../safetensors/writer.js';
import { adapterConfigJson, parseAdapterConfig, type LoraAdapterConfig } from './config.js';
import { groupAdapterTensors, PEFT_PREFIX, type AdapterTensors } from './keys.js';

/** A loaded LoRA adapter. */
export interface LoraAdapter extends AdapterTensors {
  dir: string;
  config: LoraAdapterConfig;
  /** adapter_config.json fields PEFT 0.12 does not define (from newer PEFT), as read. */
  extras: Record<string, unknown>;
  /** Every stored tensor under its PEFT key. */
  tensors: TensorMap;
}

async function isFile(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isFile() ?? false;
}

/**
 * Read a PEFT LoRA adapter folder. Fails with IO_PEFT_NOT_AN_ADAPTER, IO_PEFT_LEGACY_BIN (only
 * safetensors is read), IO_PEFT_NO_WEIGHTS, IO_PEFT_CONFIG_INVALID, IO_PEFT_KEY_INVALID or
 * IO_PEFT_SHAPE_MISMATCH.
 *
 * @example
 * const a = await readLoraAdapter('out/adapter');
 * a.config.r; a.modules.get('model.layers.0.self_attn.q_proj')?.loraA?.shape; // [r, in]
 */
export async function readLoraAdapter(dir: string): Promise<LoraAdapter> {
  const configPath = join(dir, 'adapter_config.json');
  let text: string;
  try {
    text = await readFile(configPath, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      const isModel = await isFile(join(dir, 'config.json'));
      fail('IO_PEFT_NOT_AN_ADAPTER', `${dir} is not a PEFT adapter folder (no adapter_config.json)`, {
        file: dir, expected: 'adapter_config.json + adapter_model.safetensors', found: isModel ? 'a model folder (config.json)' : 'no adapter_config.json',
        hint: isModel ? 'this is a full model folder: pass it as the model, not as the adapter' : 'name the folder written by PEFT save_pretrained or `tune run` (LoRA)',
      });
    }
    failFs(e, configPath, 'adapter_config.json');
  }
  const { config, extras } = parseAdapterConfig(parseJsonObject(text, configPath, 'adapter_config.json'), configPath, text);
  const weights = join(dir, 'adapter_model.safetensors');
  if (!(await isFile(weights))) {
    const legacy = await isFile(join(dir, 'adapter_model.bin'));
    fail(legacy ? 'IO_PEFT_LEGACY_BIN' : 'IO_PEFT_NO_WEIGHTS', legacy ? `${dir} stores its weights as adapter_model.bin; only safetensors is supported` : `${dir} has no adapter_model.safetensors`, {
      file: legacy ? join(dir, 'adapter_model.bin') : dir, expected: 'adapter_model.safetensors', found: legacy ? 'adapter_model.bin (pickle)' : 'no weights file',
      hint: legacy
        ? 'convert it in Python: PeftModel.from_pretrained(base, dir).save_pretrained(out, safe_serialization=True)'
        : 'the adapter was not saved completely; re-export it',
    });
  }
  const tensors = await loadSafetensors(weights);
  return { dir, config, extras, tensors, ...groupAdapterTensors(tensors, config, weights) };
}

/** What {@link saveLoraAdapter} writes. */
export interface SaveLoraAdapterOptions {
  /** Adapter settings; unspecified fields take PEFT 0.12 defaults. `inference_mode` is written true. */
  config: Partial<LoraAdapterConfig>;
  /** Tensors under PEFT keys (`base_model.model.<module>.lora_A.weight`, see loraKey()). */
  tensors: TensorInput;
  /** Float storage (default F32). */
  dtype?: 'F32' | 'F16' | 'BF16';
}

/**
 * Write a PEFT LoRA adapter folder atomically, as PEFT 0.12 `save_pretrained` would: only PEFT
 * 0.12 config fields, `json.dumps(indent=2, sort_keys=True)`, `{"format":"pt"}` safetensors.
 * Refuses to replace a non-empty folder without adapter_config.json.
 */
export async function saveLoraAdapter(dir: string, options: SaveLoraAdapterOptions): Promise<void> {
  for (const [key] of tensorEntries(options.tensors)) {
    if (!key.startsWith(PEFT_PREFIX)) {
      fail('IO_PEFT_KEY_INVALID', `adapter tensor \`${key}\` does not start with \`${PEFT_PREFIX}\``, {
        expected: `${PEFT_PREFIX}<module path>.lora_A.weight`, found: key, hint: 'build keys with loraKey(module, part)',
      });
    }
  }
  const text = adapterConfigJson(options.config);
  await guardReplace(dir, 'adapter_config.json', 'adapter folder');
  await writeDirAtomic(dir, async (tmp) => {
    await writeFileAtomic(join(tmp, 'adapter_config.json'), text);
    await saveSafetensors(join(tmp, 'adapter_model.safetensors'), options.tensors, {}, { dtype: options.dtype ?? 'F32' });
  });
}
