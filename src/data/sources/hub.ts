/**
 * Hub datasets. Downloading belongs to `src/io/hub/`; the data pipeline asks one question through this
 * interface, so tests (and API users) can answer it without a network.
 */
export interface HubSplitRequest {
  /** `org/name`. */
  repo: string;
  /** Dataset config (subset); null: `default`. */
  name: string | null;
  split: string;
  /** A branch, tag or commit of the dataset repo; null: the Hub's parquet conversion, then `main`. */
  revision: string | null;
}

export interface HubDatasetSource {
  /** Local paths of the data files of one config/split (downloaded, or found in the cache), in shard order. */
  splitFiles(req: HubSplitRequest): Promise<string[]>;
}

/**
 * Glob patterns for a split in a dataset repo's own files, in the layouts `datasets` recognises:
 * `data/<split>-*`, `<split>-*`, `<split>.*`, `<config>/<split>-*`, `<config>/<split>/*`.
 */
export function repoSplitPatterns(name: string | null, split: string): string[] {
  const exts = ['parquet', 'jsonl', 'json', 'csv', 'txt'];
  const pats: string[] = [];
  for (const e of exts) {
    if (name) pats.push(`${name}/${split}-*.${e}`, `${name}/${split}.${e}`, `${name}/${split}/*.${e}`, `data/${name}/${split}-*.${e}`);
    pats.push(`data/${split}-*.${e}`, `data/${split}.${e}`, `${split}-*.${e}`, `${split}.${e}`, `data/${split}/*.${e}`);
  }
  return pats;
}
