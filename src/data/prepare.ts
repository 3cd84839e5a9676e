import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { type Diagnostic, TuneError, diag, fail } from '../diagnostics/index.js';
import type { Tokenizer } from '../tokenizer/types.js';
import { type DatasetExamples, buildExamples } from './build-examples.js';
import { datasetCacheKey, readCache, sha256, tokenizerFingerprint, writeCache } from './cache.js';
import type { DataConfig, DatasetConfig, RecipeLocator, RecipePosition } from './config.js';
import { COMMON_DATASET_KEYS, type DatasetFormat, type FormatContext, type RowRef } from './format.js';
import { type TaggedExample, splitAndMix } from './mix-split.js';
import { type TrainRow, asRow, packExamples } from './pack.js';
import type { HubDatasetSource } from './sources/hub.js';
import { readSourceRows } from './sources/read-source.js';
import { resolveDatasetFiles } from './sources/resolve-files.js';
import type { SourceRow } from './sources/source-row.js';
import type { DatasetStats } from './stats.js';

/** Dataset formats by name (built-ins and plugins), filled explicitly by the caller. */
export type FormatRegistry = ReadonlyMap<string, DatasetFormat>;

export interface PrepareOptions {
  data: DataConfig;
  tokenizer: Tokenizer;
  formats: FormatRegistry;
  /** `training.seed`: shuffling, splitting and weighted sampling derive from it. */
  seed: number;
  locate?: RecipeLocator;
  hub?: HubDatasetSource;
  /** Read and write the prepared cache (default true). */
  cache?: boolean;
  /** Folder a relative `cache_dir` is resolved against (the recipe's folder); default the working directory. */
  baseDir?: string;
  /** Progress while tokenizing a dataset that is not cached (rows done of total). */
  onProgress?: (info: { dataset: number; path: string; done: number; total: number }) => void;
}

/** The prepared data: training and validation rows (packed or not) with their origins, and what happened. */
export interface PreparedData {
  train: TrainRow[];
  val: TrainRow[];
  /** Per row, the source row of each example in it (one per segment). */
  trainRefs: RowRef[][];
  valRefs: RowRef[][];
  stats: DatasetStats[];
  packed: boolean;
  padTokenId: number;
}

function at(locate: RecipeLocator | undefined, pointer: string): RecipePosition | undefined {
  return locate?.(pointer) ?? locate?.(pointer.slice(0, pointer.lastIndexOf('/')));
}

/** Check every dataset entry against its format before reading anything; all problems at once. */
export function checkDatasets(data: DataConfig, formats: FormatRegistry, locate?: RecipeLocator): DatasetFormat[] {
  const problems: Diagnostic[] = [];
  const out: DatasetFormat[] = [];
  if (data.datasets.length === 0) fail('DATA_EMPTY', 'data.datasets is empty', { ...at(locate, '/data/datasets'), hint: 'list at least one dataset' });
  data.datasets.forEach((ds, i) => {
    const base = `/data/datasets/${i}`;
    const format = formats.get(ds.format);
    if (!format) {
      problems.push(diag('DATA_UNKNOWN_FORMAT', `unknown dataset format \`${ds.format}\``, { ...at(locate, `${base}/format`), path: `${base}/format`, expected: [...formats.keys()].join(' | '), found: ds.format, hint: 'use a built-in format or add the plugin that provides it to `plugins`' }));
      return;
    }
    out.push(format);
    for (const [k, v] of Object.entries(ds)) {
      const owned = Object.keys(format.keys ?? {});
      if (v === undefined || COMMON_DATASET_KEYS.includes(k) || owned.includes(k)) continue;
      problems.push(diag('DATA_BAD_OPTION', `\`${k}\` does not apply to format \`${format.name}\``, { ...at(locate, `${base}/${k}`), path: `${base}/${k}`, expected: owned.length ? owned.join(', ') : 'no format-specific keys', found: k, hint: `remove \`${k}\` or change the format` }));
    }
    for (const p of format.checkConfig?.(ds) ?? []) {
      const ptr = `${base}/${p.key}`;
      problems.push(diag(p.code, p.message, { ...at(locate, ptr), path: ptr, ...(p.expected ? { expected: p.expected } : {}), ...(p.found ? { found: p.found } : {}), ...(p.hint ? { hint: p.hint } : {}) }));
    }
  });
  if (problems.length) throw new TuneError(problems);
  return out;
}

function cacheIdentity(ds: DatasetConfig): object {
  const { weight: _w, path: _p, ...rest } = ds;
  return rest;
}

async function prepareOne(i: number, ds: DatasetConfig, format: DatasetFormat, opts: PrepareOptions, tokFp: string, cacheDir: string): Promise<DatasetExamples> {
  const { data, tokenizer, locate } = opts;
  const where = at(locate, `/data/datasets/${i}/path`);
  const files = await resolveDatasetFiles(ds, where, opts.hub);
  const bytes = files.map((f) => readFileSync(f));
  const dataset = { ...ds, train_on_inputs: ds.train_on_inputs ?? data.train_on_inputs, on_bad_row: ds.on_bad_row ?? data.on_bad_row };
  const key = datasetCacheKey({ sourceHashes: bytes.map((b) => sha256(b)), tokenizer: tokFp, format: format.name, dataset: cacheIdentity(dataset), sequenceLen: data.sequence_len, truncation: data.truncation });
  const useCache = opts.cache !== false;
  if (useCache) {
    const hit = readCache(cacheDir, key);
    if (hit) return hit;
  }
  const rows: SourceRow[] = [];
  for (let f = 0; f < files.length; f++) rows.push(...(await readSourceRows(files[f]!, bytes[f]!)));
  const ctx: FormatContext = { tokenizer, dataset, sequenceLen: data.sequence_len };
  const built = buildExamples(rows, format, ctx, { index: i, path: ds.path, files: files.length, onBadRow: dataset.on_bad_row, truncation: data.truncation, at: at(locate, `/data/datasets/${i}`), onProgress: opts.onProgress && ((done, total) => opts.onProgress!({ dataset: i, path: ds.path, done, total })) });
  if (built.examples.length === 0) {
    fail('DATA_EMPTY', `dataset ${i} (${ds.path}) gives no examples`, {
      ...where,
      found: `${built.stats.rows} rows, ${built.stats.skipped} skipped, ${built.stats.empty} empty, ${built.stats.dropped} dropped`,
      hint: format.fixedLength ? `it has fewer than data.sequence_len (${data.sequence_len}) tokens in total` : 'check the file and the format',
    });
  }
  if (useCache) await writeCache(cacheDir, key, built);
  return built;
}

/**
 * Turn the recipe's `data` section into training and validation rows: read every dataset (local files,
 * folders, globs, Hub), convert rows through their format, truncate, lint, cache on disk, split off the
 * validation set, mix by weight, shuffle by seed, and pack when `data.packing`.
 *
 * @example
 * const prepared = await prepareData({ data, tokenizer, formats: builtinFormats(), seed: 42 });
 * for (const batch of batches(prepared.train, 4, { padTokenId: prepared.padTokenId })) { ... }
 */
export async function prepareData(opts: PrepareOptions): Promise<PreparedData> {
  const { data, tokenizer } = opts;
  const formats = checkDatasets(data, opts.formats, opts.locate);
  const tokFp = tokenizerFingerprint(tokenizer);
  const cacheDir = isAbsolute(data.cache_dir) ? data.cache_dir : resolve(opts.baseDir ?? process.cwd(), data.cache_dir);
  const per: DatasetExamples[] = [];
  for (let i = 0; i < data.datasets.length; i++) per.push(await prepareOne(i, data.datasets[i]!, formats[i]!, opts, tokFp, cacheDir));
  const tagged: TaggedExample[][] = per.map((d, i) => d.examples.map((example, k) => ({ example, ref: d.refs[k]!, dataset: i })));
  const { train, val } = splitAndMix(tagged, data.datasets.map((d) => d.weight ?? 1), data.val_set_size, data.shuffle, opts.seed);
  if (train.length === 0) {
    fail('DATA_EMPTY', `no training examples are left after taking ${val.length} for validation`, { ...at(opts.locate, '/data/val_set_size'), hint: 'lower data.val_set_size' });
  }
  const padTokenId = tokenizer.padTokenId ?? tokenizer.eosTokenId ?? 0;
  const toRows = (list: TaggedExample[]): { rows: TrainRow[]; refs: RowRef[][] } => {
    if (!data.packing) return { rows: list.map((t) => asRow(t.example)), refs: list.map((t) => [t.ref]) };
    const { rows, rowOf } = packExamples(list.map((t) => t.example), data.sequence_len);
    const refs: RowRef[][] = rows.map(() => []);
    rowOf.forEach((r, k) => refs[r]!.push(list[k]!.ref));
    return { rows, refs };
  };
  const t = toRows(train);
  const v = toRows(val);
  return { train: t.rows, val: v.rows, trainRefs: t.refs, valRefs: v.refs, stats: per.map((d) => d.stats), packed: data.packing, padTokenId };
}
