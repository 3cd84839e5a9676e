/**
 * One entry point for "the weights of a model": a `.safetensors` file, a sharded index, or a
 * folder holding either.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fail } from '../../diagnostics/index.js';
import { openSafetensors } from './reader.js';
import { openShardedSafetensors } from './sharded.js';
import type { TensorMap, TensorSource } from './types.js';

async function isFile(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isFile() ?? false;
}

/**
 * Find the weights file of a folder: `<prefix>.safetensors.index.json` (sharded) or
 * `<prefix>.safetensors`; undefined when neither exists.
 */
export async function findWeightsFile(dir: string, prefix = 'model'): Promise<string | undefined> {
  const index = join(dir, `${prefix}.safetensors.index.json`);
  if (await isFile(index)) return index;
  const single = join(dir, `${prefix}.safetensors`);
  if (await isFile(single)) return single;
  return undefined;
}

/**
 * Open a checkpoint lazily: `path` is a `.safetensors` file, a `*.safetensors.index.json`, or a
 * folder containing `model.safetensors(.index.json)`.
 *
 * @example
 * const src = await openWeights('models/stories260k');
 * try { const w = await src.read('model.embed_tokens.weight'); } finally { await src.close(); }
 */
export async function openWeights(path: string): Promise<TensorSource> {
  const st = await stat(path).catch(() => undefined);
  if (!st) {
    fail('IO_FILE_NOT_FOUND', `checkpoint not found: ${path}`, { file: path, hint: 'check the path (relative paths are resolved from the current directory)' });
  }
  let file = path;
  if (st.isDirectory()) {
    const found = await findWeightsFile(path);
    if (!found) {
      fail('IO_HF_NO_WEIGHTS', `no safetensors weights in ${path}`, {
        file: path, expected: 'model.safetensors or model.safetensors.index.json + shards', found: 'neither',
        hint: 'convert pickle weights with `transformers` save_pretrained(safe_serialization=True)',
      });
    }
    file = found;
  }
  return file.endsWith('.json') ? openShardedSafetensors(file) : openSafetensors(file);
}

/** Read all tensors of a model's weights (see {@link openWeights}), optionally only those `filter` keeps. */
export async function loadWeights(path: string, filter?: (name: string) => boolean): Promise<TensorMap> {
  const src = await openWeights(path);
  try {
    const out: TensorMap = new Map();
    for (const name of src.names) if (!filter || filter(name)) out.set(name, await src.read(name));
    return out;
  } finally {
    await src.close();
  }
}
