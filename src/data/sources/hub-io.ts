import { join } from 'node:path';
import { downloadDatasetSplit, type HubOptions } from '../../io/hub/index.js';
import type { HubDatasetSource } from './hub.js';
import { repoSplitPatterns } from './hub.js';

const DATA_FILE = /\.(parquet|jsonl|json|csv|txt)$/;

/**
 * The Hub source backed by `src/io/hub` (HF_ENDPOINT, HF_TOKEN, HF_HOME, offline cache): without a
 * revision it reads the Hub's parquet conversion (`refs/convert/parquet`) of config/split and falls back to
 * the repo's own split files; with a revision it reads the repo's own files at that revision.
 */
export function ioHubDatasetSource(options: HubOptions = {}): HubDatasetSource {
  return {
    async splitFiles({ repo, name, split, revision }) {
      const local = (snap: { dir: string; files: string[] }) => snap.files.filter((f) => DATA_FILE.test(f)).map((f) => join(snap.dir, f));
      if (revision === null) {
        let files: string[] = [];
        try {
          files = local(await downloadDatasetSplit(`datasets/${repo}`, { ...options, config: name ?? 'default', split }));
        } catch (e) {
          // No parquet conversion (private or gated repos, very new datasets): read the repo's own files below.
          if ((e as { code?: string }).code !== 'IO_HUB_NOT_FOUND') throw e;
        }
        if (files.length) return files;
      }
      const ref = `datasets/${repo}${revision ? `@${revision}` : ''}`;
      return local(await downloadDatasetSplit(ref, { ...options, split, dataFiles: repoSplitPatterns(name, split) }));
    },
  };
}
