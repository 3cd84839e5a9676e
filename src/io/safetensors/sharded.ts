/**
 * Sharded checkpoints: `model.safetensors.index.json` + `model-0000i-of-0000n.safetensors`, read
 * lazily as one tensor source and written with huggingface_hub's greedy split.
 */
import { stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fail } from '../../diagnostics/index.js';
import { pyJsonDumps } from '../py-json.js';
import { readJsonObject } from '../read-json.js';
import { writeFileAtomic, withAtomicFile } from '../atomic.js';
import { openSafetensors, type SafetensorsFile } from './reader.js';
import { planSafetensors, tensorEntries, writePlan, type SaveSafetensorsOptions, type TensorInput } from './writer.js';
import { storedByteLength, storedDtype } from './encode.js';
import type { HostTensor, TensorInfo, TensorSource } from './types.js';

/** A parsed `*.safetensors.index.json`. */
export interface SafetensorsIndex {
  /** `metadata` of the index (e.g. `total_size`). */
  metadata: Record<string, unknown>;
  /** Tensor name → shard file name (relative to the index's folder). */
  weightMap: Map<string, string>;
}

/** Read and check the shape of a safetensors index file. */
export async function readSafetensorsIndex(indexPath: string): Promise<SafetensorsIndex> {
  const json = await readJsonObject(indexPath, 'safetensors index');
  const wm = json['weight_map'];
  if (typeof wm !== 'object' || wm === null || Array.isArray(wm)) {
    fail('IO_ST_INDEX_INVALID', 'safetensors index has no `weight_map` object', {
      file: indexPath, path: '/weight_map', expected: '{"tensor name": "shard file", …}', found: JSON.stringify(wm) ?? 'nothing',
      hint: 'the index must map every tensor name to its shard file',
    });
  }
  const weightMap = new Map<string, string>();
  for (const [name, shard] of Object.entries(wm as Record<string, unknown>)) {
    if (typeof shard !== 'string' || shard.includes('/') || shard.includes('\\') || shard === '..' || shard === '.') {
      fail('IO_ST_INDEX_INVALID', `safetensors index maps \`${name}\` to an invalid shard name`, {
        file: indexPath, path: `/weight_map/${name}`, expected: 'a file name in the same folder', found: JSON.stringify(shard),
        hint: 'shard names are plain file names such as model-00001-of-00002.safetensors',
      });
    }
    weightMap.set(name, shard);
  }
  const md = json['metadata'];
  return { metadata: typeof md === 'object' && md !== null && !Array.isArray(md) ? (md as Record<string, unknown>) : {}, weightMap };
}

/** An open sharded checkpoint. */
export interface ShardedSafetensors extends TensorSource {
  readonly index: SafetensorsIndex;
  /** Shard file paths in name order. */
  readonly shards: readonly string[];
}

/**
 * Open a sharded checkpoint: checks that every listed shard exists, validates every shard header,
 * and that each tensor is in the shard the index names (no unlisted or misplaced tensors).
 */
export async function openShardedSafetensors(indexPath: string): Promise<ShardedSafetensors> {
  const index = await readSafetensorsIndex(indexPath);
  const dir = dirname(indexPath);
  const shardNames = [...new Set(index.weightMap.values())].sort();
  for (const s of shardNames) {
    const p = join(dir, s);
    const st = await stat(p).catch(() => undefined);
    if (!st?.isFile()) {
      const first = [...index.weightMap].find(([, f]) => f === s)?.[0] ?? '';
      fail('IO_ST_SHARD_MISSING', `shard ${s} listed in the index does not exist`, {
        file: indexPath, path: `/weight_map/${first}`, expected: `file ${p}`, found: 'no such file',
        hint: 'the download is incomplete: fetch every shard the index lists',
      });
    }
  }
  const files: SafetensorsFile[] = [];
  const owner = new Map<string, SafetensorsFile>();
  try {
    for (const s of shardNames) {
      const f = await openSafetensors(join(dir, s));
      files.push(f);
      for (const name of f.names) {
        const listed = index.weightMap.get(name);
        if (listed !== s) {
          fail('IO_ST_INDEX_MISMATCH', listed === undefined ? `tensor \`${name}\` in shard ${s} is not listed in the index` : `tensor \`${name}\` is in shard ${s} but the index says ${listed}`, {
            file: indexPath, path: `/weight_map/${name}`, expected: listed ?? 'an entry for every stored tensor', found: s,
            hint: 'the index and the shards come from different exports; re-download or re-export them together',
          });
        }
        owner.set(name, f);
      }
    }
    for (const [name, s] of index.weightMap) {
      if (!owner.has(name)) {
        fail('IO_ST_INDEX_MISMATCH', `tensor \`${name}\` is listed in the index but missing from shard ${s}`, {
          file: join(dir, s), path: `/weight_map/${name}`, expected: `tensor \`${name}\``, found: 'no such tensor',
          hint: 'the index and the shards come from different exports; re-download or re-export them together',
        });
      }
    }
  } catch (e) {
    await Promise.all(files.map((f) => f.close()));
    throw e;
  }
  const names = Object.freeze(files.flatMap((f) => f.names));
  const get = (name: string): SafetensorsFile => {
    const f = owner.get(name);
    if (!f) {
      fail('IO_ST_TENSOR_NOT_FOUND', `tensor \`${name}\` is not in the checkpoint ${indexPath}`, {
        file: indexPath, hint: 'check the tensor name (HF names include prefixes such as `model.` or `transformer.`)',
      });
    }
    return f;
  };
  return {
    index,
    shards: shardNames.map((s) => join(dir, s)),
    names,
    info: (name: string): TensorInfo | undefined => owner.get(name)?.info(name),
    read: (name: string): Promise<HostTensor> => get(name).read(name),
    readRaw: (name: string): Promise<Uint8Array> => get(name).readRaw(name),
    close: async (): Promise<void> => {
      await Promise.all(files.map((f) => f.close()));
    },
    async *[Symbol.asyncIterator](): AsyncIterator<[string, HostTensor]> {
      for (const name of names) yield [name, await get(name).read(name)];
    },
  };
}

/** Parse a shard size: a byte count or a string such as "5GB" (10^9) or "2GiB" (2^30), as HF does. */
export function parseShardSize(size: number | string): number {
  if (typeof size === 'number') return size;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([KMGT]i?B|B)?\s*$/i.exec(size);
  if (!m) {
    fail('IO_ST_BAD_TENSOR', `max_shard_size \`${size}\` is not a size`, { expected: 'a number of bytes or e.g. "5GB", "500MB", "2GiB"', found: size, hint: 'use a size like "5GB"' });
  }
  const unit = (m[2] ?? 'B').toUpperCase();
  const pow = { B: 0, K: 1, M: 2, G: 3, T: 4 }[unit[0] as 'B' | 'K' | 'M' | 'G' | 'T'];
  const base = unit.includes('I') ? 1024 : 1000;
  return Math.floor(Number(m[1]) * base ** pow);
}

/** Options of {@link saveShardedSafetensors}. */
export interface SaveShardedOptions extends SaveSafetensorsOptions {
  /** Largest shard in bytes or as "5GB" (default "5GB", transformers' default). */
  maxShardSize?: number | string;
  /** File name stem (default `model`). */
  prefix?: string;
  /** Extra `__metadata__` entries for every shard (`format: pt` is always set). */
  metadata?: Record<string, string>;
}

/** What {@link saveShardedSafetensors} wrote. */
export interface SavedCheckpoint {
  /** Shard file names in order (one `model.safetensors` when nothing was split). */
  files: string[];
  /** Index file name when sharded. */
  index?: string;
  totalSize: number;
}

/**
 * Write tensors as `model.safetensors`, or, when they exceed `maxShardSize`, as
 * `model-0000i-of-0000n.safetensors` + `model.safetensors.index.json`, splitting greedily in the
 * given order exactly as huggingface_hub does (a tensor larger than the limit gets its own shard).
 * Each file is written atomically; wrap the call in writeDirAtomic for an atomic folder.
 */
export async function saveShardedSafetensors(dir: string, tensors: TensorInput, options: SaveShardedOptions = {}): Promise<SavedCheckpoint> {
  const max = parseShardSize(options.maxShardSize ?? '5GB');
  const floats = options.dtype ?? 'F32';
  const prefix = options.prefix ?? 'model';
  const shards: [string, HostTensor][][] = [];
  let current: [string, HostTensor][] = [];
  let currentSize = 0;
  let totalSize = 0;
  for (const [name, t] of tensorEntries(tensors)) {
    const size = storedByteLength(name, t, storedDtype(name, t, floats));
    totalSize += size;
    if (size > max) {
      shards.push([[name, t]]);
      continue;
    }
    if (currentSize + size > max && current.length > 0) {
      shards.push(current);
      current = [];
      currentSize = 0;
    }
    current.push([name, t]);
    currentSize += size;
  }
  if (current.length > 0 || shards.length === 0) shards.push(current);
  const opts: SaveSafetensorsOptions = { dtype: floats };
  if (shards.length === 1) {
    const file = `${prefix}.safetensors`;
    const plan = planSafetensors(new Map(shards[0]), options.metadata ?? {}, opts);
    await withAtomicFile(join(dir, file), (fh) => writePlan(fh, plan));
    return { files: [file], totalSize };
  }
  const n = shards.length;
  const files: string[] = [];
  const weightMap: Record<string, string> = {};
  for (let i = 0; i < n; i++) {
    const file = `${prefix}-${String(i + 1).padStart(5, '0')}-of-${String(n).padStart(5, '0')}.safetensors`;
    const shard = shards[i] ?? [];
    const plan = planSafetensors(new Map(shard), options.metadata ?? {}, opts);
    await withAtomicFile(join(dir, file), (fh) => writePlan(fh, plan));
    for (const [name] of shard) weightMap[name] = file;
    files.push(file);
  }
  const index = `${prefix}.safetensors.index.json`;
  await writeFileAtomic(join(dir, index), pyJsonDumps({ metadata: { total_size: totalSize }, weight_map: weightMap }) + '\n');
  return { files, index, totalSize };
}
