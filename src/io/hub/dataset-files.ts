/**
 * Dataset repos: the files of one config/split, from the hub's auto-converted parquet branch
 * (`refs/convert/parquet`) or from the repo's own data files.
 */
import { downloadHubRepo, type HubDownloadOptions, type HubSnapshot } from './snapshot.js';
import { parseRepoRef } from './repo-ref.js';

/** The branch where the hub stores parquet conversions of every dataset. */
export const PARQUET_REVISION = 'refs/convert/parquet';

/**
 * Patterns for a config/split in the parquet branch: `<config>/<split>/*.parquet` (current layout),
 * `<config>/partial-<split>/*.parquet` (large datasets) and `<config>/*-<split>.parquet` (older).
 */
export function parquetSplitPatterns(config: string, split: string): string[] {
  return [`${config}/${split}/*.parquet`, `${config}/partial-${split}/*.parquet`, `${config}/*-${split}.parquet`, `${config}/*-${split}-*.parquet`];
}

/** Options of {@link downloadDatasetSplit}. */
export interface DatasetSplitOptions extends Omit<HubDownloadOptions, 'allowPatterns'> {
  /** Dataset config (subset) name; default `default`. */
  config?: string;
  split: string;
  /**
   * Read the repo's own files matching these patterns instead of the parquet conversion
   * (e.g. `["data/train-*.parquet"]` or `["*.jsonl"]`).
   */
  dataFiles?: readonly string[];
}

/**
 * Download the files of one dataset split; returns the snapshot with the matched files (sorted,
 * so shards stay in order). With an `@revision` in the reference and no `dataFiles`, that
 * revision is used instead of the parquet branch.
 *
 * @example
 * const snap = await downloadDatasetSplit('datasets/tatsu-lab/alpaca', { split: 'train' });
 * for (const f of snap.files) readParquet(join(snap.dir, f));
 */
export async function downloadDatasetSplit(reference: string, options: DatasetSplitOptions): Promise<HubSnapshot> {
  const explicitRevision = reference.includes('@');
  const ref = parseRepoRef(reference, 'dataset');
  const { config = 'default', split, dataFiles, ...rest } = options;
  if (dataFiles) return downloadHubRepo(ref, { ...rest, allowPatterns: dataFiles });
  return downloadHubRepo({ ...ref, revision: explicitRevision ? ref.revision : PARQUET_REVISION }, { ...rest, allowPatterns: parquetSplitPatterns(config, split) });
}
