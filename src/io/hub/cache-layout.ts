/**
 * The huggingface_hub cache layout, shared with Python tools:
 * `<cache>/models--org--name/{blobs/<etag>, snapshots/<sha>/<path> → ../../blobs/<etag>, refs/<revision>}`.
 */
import { copyFile, mkdir, readFile, rm, symlink, writeFile, rename } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import type { RepoRef } from './repo-ref.js';

/** `models--org--name` / `datasets--org--name` under the cache root. */
export function repoCacheDir(cacheDir: string, ref: Pick<RepoRef, 'type' | 'name'>): string {
  return join(cacheDir, [`${ref.type}s`, ...ref.name.split('/')].join('--'));
}

/** A 40-hex commit sha. */
export const COMMIT_SHA = /^[0-9a-f]{40}$/;

/** The commit a revision points to in the cache, if recorded (`refs/<revision>`). */
export async function cachedCommit(repoDir: string, revision: string): Promise<string | undefined> {
  if (COMMIT_SHA.test(revision)) return revision;
  try {
    const sha = (await readFile(join(repoDir, 'refs', revision), 'utf8')).trim();
    return COMMIT_SHA.test(sha) ? sha : undefined;
  } catch {
    return undefined;
  }
}

/** Record `refs/<revision>` = sha (skipped when the revision is the sha itself). */
export async function recordRef(repoDir: string, revision: string, sha: string): Promise<void> {
  if (revision === sha) return;
  const p = join(repoDir, 'refs', revision);
  await mkdir(dirname(p), { recursive: true });
  const tmp = `${p}.tmp-${process.pid}`;
  await writeFile(tmp, sha);
  await rename(tmp, p);
}

/** Point `snapshots/<sha>/<path>` at a blob with a relative symlink (copy where symlinks fail). */
export async function linkSnapshotFile(blobPath: string, pointerPath: string): Promise<void> {
  await mkdir(dirname(pointerPath), { recursive: true });
  await rm(pointerPath, { force: true });
  try {
    await symlink(relative(dirname(pointerPath), blobPath), pointerPath);
  } catch {
    await copyFile(blobPath, pointerPath);
  }
}
