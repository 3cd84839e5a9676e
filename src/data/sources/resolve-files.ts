import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import fg from 'fast-glob';
import { fail } from '../../diagnostics/index.js';
import type { DatasetConfig, RecipePosition } from '../config.js';
import type { HubDatasetSource } from './hub.js';

/** File extensions a dataset file may have. */
export const DATA_EXTENSIONS = ['.json', '.jsonl', '.csv', '.txt', '.parquet'] as const;

const HUB_ID = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

function hasGlob(p: string): boolean {
  return /[*?[\]{}]/.test(p);
}

/** Dataset paths that look like Hub ids (`org/name`) and do not exist locally. */
export function isHubId(path: string): boolean {
  return HUB_ID.test(path) && !existsSync(path) && !DATA_EXTENSIONS.some((e) => path.endsWith(e));
}

/**
 * The files a dataset entry names, in a stable (sorted) order: a file, every data file under a folder,
 * a glob's matches, or a Hub dataset's config/split files (downloaded through `hub`).
 */
export async function resolveDatasetFiles(ds: DatasetConfig, at: RecipePosition | undefined, hub?: HubDatasetSource): Promise<string[]> {
  const where = at ?? {};
  const p = ds.path;
  if (existsSync(p)) {
    if (!statSync(p).isDirectory()) return [p];
    const files = (await fg('**/*', { cwd: p, onlyFiles: true, dot: false }))
      .filter((f) => DATA_EXTENSIONS.some((e) => f.endsWith(e)))
      .sort()
      .map((f) => join(p, f));
    if (!files.length) {
      fail('DATA_FILE_NOT_FOUND', `folder ${p} holds no dataset files`, { ...where, expected: DATA_EXTENSIONS.join(', '), hint: 'point data.datasets[].path at a file, a folder of data files, or a glob' });
    }
    return files;
  }
  if (hasGlob(p)) {
    const files = (await fg(p, { onlyFiles: true })).sort();
    if (!files.length) fail('DATA_FILE_NOT_FOUND', `the glob ${p} matches no file`, { ...where, hint: 'globs are resolved relative to the recipe folder' });
    return files;
  }
  if (isHubId(p)) {
    if (!hub) {
      fail('DATA_HUB_UNAVAILABLE', `${p} is not a local file, and Hub datasets need the Hub downloader`, {
        ...where,
        hint: 'download the dataset files and point path at them, or run through `tune` (which provides the Hub downloader)',
      });
    }
    const split = ds.split ?? 'train';
    const local = await hub.splitFiles({ repo: p, name: ds.name ?? null, split, revision: ds.revision ?? null });
    if (!local.length) {
      fail('DATA_FILE_NOT_FOUND', `the Hub dataset ${p} has no files for ${ds.name ? `config \`${ds.name}\`, ` : ''}split \`${split}\``, {
        ...where,
        hint: 'check data.datasets[].name (config) and .split on the dataset page',
      });
    }
    return local;
  }
  fail('DATA_FILE_NOT_FOUND', `dataset file ${p} does not exist`, { ...where, hint: 'paths are relative to the recipe file; a Hub dataset is written org/name' });
}
