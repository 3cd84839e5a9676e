/**
 * How many training rows a run will have, found without TensorFlow and without downloading: local
 * datasets are read and — when small (≤ 50,000 source rows) or already in the prepared-data cache —
 * prepared exactly as `tune run` prepares them, through the same data session (the cache is
 * reused, and written for the run when it was missing). Hub datasets, uncached Hub tokenizers and
 * big uncached datasets give an unknown size with the reason.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isTuneError } from '../diagnostics/index.js';
import { datasetCacheKey, cacheFile, sha256, tokenizerFingerprint } from '../data/cache.js';
import { dataConfigFromRecipe } from '../data/from-recipe.js';
import type { FormatRegistry } from '../data/prepare.js';
import { DataSession } from '../data/session.js';
import { readSourceRows } from '../data/sources/read-source.js';
import { resolveDatasetFiles } from '../data/sources/resolve-files.js';
import type { ResolvedRecipe } from '../recipe/resolved.js';
import type { DataSize } from './types.js';

/** Source rows above which an uncached dataset is not tokenized just to count steps. */
export const TOKENIZE_ROW_LIMIT = 50_000;

const unknown = (how: string): DataSize => ({ trainRows: null, valRows: null, how });

/** The training-set size of a recipe, or the reason it is unknown before a run. */
export async function planDataSize(recipe: ResolvedRecipe, formats: FormatRegistry, env: NodeJS.ProcessEnv = process.env, rowLimit = TOKENIZE_ROW_LIMIT): Promise<DataSize> {
  const hubSet = recipe.data.datasets.find((d) => d.path_kind === 'hub');
  if (hubSet) return unknown(`Hub dataset ${hubSet.path}: its size is not known offline (run \`tune preprocess\` or \`tune run\` once)`);
  try {
    const session = await DataSession.open(recipe, { formats, env, cacheOnly: true });
    if (!session) return unknown(DataSession.notCached(recipe));
    if (session.tokenizerDir === null) return unknown(`no tokenizer.json in ${recipe.tokenizer.path ?? '(none)'}`);
    const data = dataConfigFromRecipe(recipe, formats);
    const tokFp = tokenizerFingerprint(session.tokenizer);
    let rows = 0;
    let allCached = true;
    for (const ds of data.datasets) {
      const files = await resolveDatasetFiles(ds, undefined);
      const bytes = files.map((f) => readFileSync(f));
      for (let i = 0; i < files.length; i++) rows += (await readSourceRows(files[i]!, bytes[i]!)).length;
      // The key prepareData uses (prepare.ts): source bytes, tokenizer, format, the dataset's fields
      // except weight and path, sequence length and truncation. A mismatch only means "not cached".
      const { weight: _w, path: _p, ...identity } = { ...ds, train_on_inputs: ds.train_on_inputs ?? data.train_on_inputs, on_bad_row: ds.on_bad_row ?? data.on_bad_row };
      const key = datasetCacheKey({ sourceHashes: bytes.map((b) => sha256(b)), tokenizer: tokFp, format: ds.format, dataset: identity, sequenceLen: data.sequence_len, truncation: data.truncation });
      if (!existsSync(cacheFile(data.cache_dir, key))) allCached = false;
    }
    if (!allCached && rows > rowLimit) {
      return unknown(`${rows.toLocaleString('en-US')} source rows are not in the prepared cache; tokenizing more than ${rowLimit.toLocaleString('en-US')} just to count steps is slow — run \`tune preprocess\` first`);
    }
    const prepared = await session.prepare();
    const how = allCached ? 'prepared-data cache' : `tokenized ${rows.toLocaleString('en-US')} source rows (now cached for tune run)`;
    return { trainRows: prepared.train.length, valRows: prepared.val.length, how: `${how}${prepared.packed ? ', packed' : ''}` };
  } catch (e) {
    if (!isTuneError(e)) throw e;
    return { ...unknown(`the data cannot be prepared (${e.code})`), diagnostics: e.diagnostics };
  }
}
