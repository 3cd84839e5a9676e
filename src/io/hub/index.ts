/**
 * Hugging Face Hub downloads into the shared huggingface_hub cache (HF_ENDPOINT, HF_TOKEN,
 * HF_HOME / HF_HUB_CACHE, HF_HUB_OFFLINE), with resumable blob downloads.
 */
export { hubSettings, hfHome, type HubSettings, type HubOptions } from './settings.js';
export { parseRepoRef, type RepoRef } from './repo-ref.js';
export { repoCacheDir, cachedCommit } from './cache-layout.js';
export { downloadHubRepo, downloadHubModel, downloadHubFile, MODEL_PATTERNS, MODEL_IGNORE_PATTERNS, type HubDownloadOptions, type HubSnapshot } from './snapshot.js';
export { downloadDatasetSplit, parquetSplitPatterns, PARQUET_REVISION, type DatasetSplitOptions } from './dataset-files.js';
export { globToRegExp, matchesAny } from './glob.js';
export { resolveModelDir, type ResolvedModelDir } from './resolve-model.js';
