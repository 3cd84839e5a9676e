/**
 * Downloading hub repos into the shared huggingface_hub cache with @huggingface/hub for the API
 * calls (repo info, file listing, file resolution) and our own resumable blob download.
 * Offline mode (HF_HUB_OFFLINE=1 or `offline: true`) reads the cache only.
 */
import { datasetInfo, downloadFile, listFiles, modelInfo } from '@huggingface/hub';
import { mkdir, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fail, isTuneError } from '../../diagnostics/index.js';
import { downloadBlob } from './blob-download.js';
import { cachedCommit, linkSnapshotFile, recordRef, repoCacheDir } from './cache-layout.js';
import { hubFailure } from './errors.js';
import { matchesAny } from './glob.js';
import { parseRepoRef, repoDesignation, type RepoRef } from './repo-ref.js';
import { hubSettings, type HubOptions, type HubSettings } from './settings.js';

/** Files a model download fetches by default: configs, safetensors weights, tokenizer files. */
export const MODEL_PATTERNS: readonly string[] = ['*.json', '*.safetensors', 'tokenizer.model', 'merges.txt', 'vocab.txt', '*.jinja'];

/**
 * Files a model download skips by default: anything in a sub-folder (`original/`, `onnx/`,
 * training checkpoints) and Mistral's duplicate `consolidated.safetensors`.
 */
export const MODEL_IGNORE_PATTERNS: readonly string[] = ['*/*', 'consolidated*'];

/** Options of the download functions. */
export interface HubDownloadOptions extends HubOptions {
  /** fnmatch patterns of files to fetch; default: every file (MODEL_PATTERNS for downloadHubModel). */
  allowPatterns?: readonly string[];
  /** fnmatch patterns of files to skip even when allowed (MODEL_IGNORE_PATTERNS for downloadHubModel). */
  ignorePatterns?: readonly string[];
  /** Progress per file. */
  onProgress?: (path: string, bytes: number, total: number) => void;
}

/** A repo snapshot in the cache. */
export interface HubSnapshot {
  /** `<cache>/models--org--name/snapshots/<sha>`; open files under it like a plain folder. */
  dir: string;
  commit: string;
  /** Relative paths of the files fetched or found (matching the patterns). */
  files: string[];
  /** Bytes downloaded by this call (0 when everything was cached). */
  downloadedBytes: number;
}

interface RemoteFile {
  path: string;
  size: number;
  etag: string;
  sha256?: string;
}

async function isFile(p: string): Promise<boolean> {
  return (await stat(p).catch(() => undefined))?.isFile() ?? false;
}

async function walk(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await walk(join(dir, e.name), rel)));
    else out.push(rel);
  }
  return out.sort();
}

function notCached(ref: RepoRef, s: HubSettings, what: string): never {
  fail('IO_HUB_NOT_CACHED', `offline mode: ${what} of ${ref.type === 'dataset' ? 'datasets/' : ''}${ref.name}@${ref.revision} is not in the cache`, {
    file: repoCacheDir(s.cacheDir, ref), expected: 'a previous online download of this revision', found: 'nothing cached',
    hint: 'run once with network access (unset HF_HUB_OFFLINE), or copy the model folder and name its path instead',
  });
}

function selected(path: string, allow: readonly string[] | undefined, ignore: readonly string[] | undefined): boolean {
  return matchesAny(path, allow) && !(ignore && ignore.length > 0 && matchesAny(path, ignore));
}

async function offlineSnapshot(ref: RepoRef, s: HubSettings, patterns: readonly string[] | undefined, ignore: readonly string[] | undefined): Promise<HubSnapshot> {
  const repoDir = repoCacheDir(s.cacheDir, ref);
  const commit = await cachedCommit(repoDir, ref.revision);
  if (!commit) notCached(ref, s, 'the revision');
  const dir = join(repoDir, 'snapshots', commit);
  const files = (await walk(dir)).filter((f) => selected(f, patterns, ignore));
  if (files.length === 0) notCached(ref, s, patterns ? `files matching ${patterns.join(', ')}` : 'the snapshot');
  return { dir, commit, files, downloadedBytes: 0 };
}

async function resolveCommit(ref: RepoRef, s: HubSettings): Promise<string> {
  const params = { name: ref.name, revision: ref.revision, hubUrl: s.endpoint, additionalFields: ['sha'] as 'sha'[], ...(s.token ? { accessToken: s.token } : {}) };
  try {
    const info = ref.type === 'dataset' ? await datasetInfo(params) : await modelInfo(params);
    const sha = (info as { sha?: unknown }).sha;
    if (typeof sha !== 'string') throw new Error('the hub returned no commit sha');
    return sha;
  } catch (e) {
    hubFailure(e, ref, 'repo info');
  }
}

async function listRemote(ref: RepoRef, s: HubSettings, commit: string, patterns: readonly string[] | undefined, ignore: readonly string[] | undefined): Promise<RemoteFile[]> {
  const out: RemoteFile[] = [];
  try {
    for await (const e of listFiles({ repo: repoDesignation(ref), revision: commit, recursive: true, hubUrl: s.endpoint, ...(s.token ? { accessToken: s.token } : {}) })) {
      if (e.type !== 'file' || !selected(e.path, patterns, ignore)) continue;
      const etag = e.lfs?.oid ?? e.xetHash ?? e.oid;
      if (!etag) continue;
      out.push({ path: e.path, size: e.lfs?.size ?? e.size, etag, ...(e.lfs && /^[0-9a-f]{64}$/.test(e.lfs.oid) ? { sha256: e.lfs.oid } : {}) });
    }
  } catch (e) {
    hubFailure(e, ref, 'file list');
  }
  return out;
}

async function fetchFile(ref: RepoRef, s: HubSettings, commit: string, f: RemoteFile, options: HubDownloadOptions): Promise<number> {
  const repoDir = repoCacheDir(s.cacheDir, ref);
  const pointer = join(repoDir, 'snapshots', commit, f.path);
  if (await isFile(pointer)) return 0;
  const blobPath = join(repoDir, 'blobs', f.etag);
  let fetched = 0;
  if (!(await isFile(blobPath))) {
    await mkdir(join(repoDir, 'blobs'), { recursive: true });
    try {
      const blob = await downloadFile({ repo: repoDesignation(ref), path: f.path, revision: commit, hubUrl: s.endpoint, ...(s.token ? { accessToken: s.token } : {}) });
      if (!blob) {
        fail('IO_HUB_NOT_FOUND', `the hub has no file ${f.path} in ${ref.name}@${commit}`, { file: f.path, hint: 'the repo changed while downloading; run again' });
      }
      fetched = await downloadBlob(async (offset) => (offset === 0 ? blob : blob.slice(offset)).stream() as ReadableStream<Uint8Array>, {
        blobPath, size: f.size, label: `${ref.name}/${f.path}`, ...(f.sha256 ? { sha256: f.sha256 } : {}),
        onProgress: (b, t) => options.onProgress?.(f.path, b, t),
      });
    } catch (e) {
      hubFailure(e, ref, `file ${f.path}`);
    }
  }
  await linkSnapshotFile(blobPath, pointer);
  return fetched;
}

/**
 * Download (or find in the cache) the files of a repo revision matching `allowPatterns`.
 * Already-cached files are not fetched again; interrupted downloads resume.
 *
 * @example
 * const snap = await downloadHubRepo('datasets/tatsu-lab/alpaca', { allowPatterns: ['data/*.parquet'] });
 */
export async function downloadHubRepo(reference: string | RepoRef, options: HubDownloadOptions = {}): Promise<HubSnapshot> {
  const ref = typeof reference === 'string' ? parseRepoRef(reference) : reference;
  const s = hubSettings(options);
  const patterns = options.allowPatterns;
  if (s.offline) return offlineSnapshot(ref, s, patterns, options.ignorePatterns);
  let commit: string;
  try {
    commit = await resolveCommit(ref, s);
  } catch (e) {
    // As huggingface_hub does: when the hub is unreachable, a cached revision is still usable.
    if (isTuneError(e) && e.code === 'IO_HUB_HTTP' && (await cachedCommit(repoCacheDir(s.cacheDir, ref), ref.revision))) {
      const cached = await offlineSnapshot(ref, s, patterns, options.ignorePatterns).catch(() => undefined);
      if (cached) return cached;
    }
    throw e;
  }
  const repoDir = repoCacheDir(s.cacheDir, ref);
  await recordRef(repoDir, ref.revision, commit);
  const files = await listRemote(ref, s, commit, patterns, options.ignorePatterns);
  let downloadedBytes = 0;
  for (const f of files) downloadedBytes += await fetchFile(ref, s, commit, f, options);
  return { dir: join(repoDir, 'snapshots', commit), commit, files: files.map((f) => f.path).sort(), downloadedBytes };
}

/**
 * Download an HF model (`org/name[@revision]`): configs, safetensors weights and tokenizer files.
 * Returns the snapshot folder, usable with openHfModelFolder.
 */
export async function downloadHubModel(reference: string, options: HubDownloadOptions = {}): Promise<HubSnapshot> {
  const ref = parseRepoRef(reference, 'model');
  const snap = await downloadHubRepo(ref, { allowPatterns: MODEL_PATTERNS, ignorePatterns: MODEL_IGNORE_PATTERNS, ...options });
  if (!snap.files.includes('config.json')) {
    fail('IO_HUB_NOT_FOUND', `${ref.name}@${ref.revision} has no config.json`, {
      file: snap.dir, expected: 'a transformers model repo (config.json + safetensors)', found: snap.files.slice(0, 5).join(', ') || 'no files',
      hint: 'name a transformers model repo; GGUF-only or adapter-only repos are not base models',
    });
  }
  return snap;
}

/**
 * Download one file of a repo (online) or find it in the cache (offline); returns its local path.
 *
 * @example
 * const p = await downloadHubFile('datasets/org/name@refs/convert/parquet', 'default/train/0000.parquet');
 */
export async function downloadHubFile(reference: string | RepoRef, path: string, options: HubOptions & Pick<HubDownloadOptions, 'onProgress'> = {}): Promise<string> {
  const snap = await downloadHubRepo(reference, { ...options, allowPatterns: [path] });
  if (!snap.files.includes(path)) {
    const ref = typeof reference === 'string' ? parseRepoRef(reference) : reference;
    fail('IO_HUB_NOT_FOUND', `${ref.name}@${ref.revision} has no file ${path}`, { file: path, hint: 'check the file name (list the repo files on its hub page)' });
  }
  return join(snap.dir, path);
}
