/**
 * `model.base` → a local folder: an existing path is used as is; anything else is a hub
 * reference (`org/name[@revision]`) that is downloaded into (or found in) the cache.
 */
import { stat } from 'node:fs/promises';
import { downloadHubModel, type HubDownloadOptions } from './snapshot.js';

/** Where a model came from. */
export interface ResolvedModelDir {
  dir: string;
  source: 'local' | 'hub';
  /** Hub commit sha, for hub models (record it to make runs reproducible). */
  commit?: string;
}

/**
 * Resolve a recipe's `model.base`. Paths that exist (or start with `.`, `/` or `~`) are local;
 * otherwise it is a hub reference.
 *
 * @example
 * const { dir } = await resolveModelDir('HuggingFaceTB/SmolLM2-135M@main');
 * const model = await openHfModelFolder(dir);
 */
export async function resolveModelDir(base: string, options: HubDownloadOptions = {}): Promise<ResolvedModelDir> {
  const local = await stat(base).catch(() => undefined);
  if (local || /^(\.{1,2}[\\/]|[\\/]|~)/.test(base)) return { dir: base, source: 'local' };
  const snap = await downloadHubModel(base, options);
  return { dir: snap.dir, source: 'hub', commit: snap.commit };
}
