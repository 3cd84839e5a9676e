/**
 * How many training rows a run will have, found without TensorFlow: local datasets are read and —
 * when small (≤ 50,000 source rows) or already in the prepared-data cache — prepared exactly as
 * `tune run` prepares them (the cache is reused, and written for the run when it was missing).
 * Hub datasets, plugin formats, uncached Hub tokenizers and big uncached datasets give an unknown
 * size with the reason.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isTuneError } from '../diagnostics/index.js';
import { cachedCommit, repoCacheDir } from '../io/hub/cache-layout.js';
import { hubSettings } from '../io/hub/settings.js';
import type { ResolvedRecipe } from '../recipe/resolved.js';
import type { DataSize } from './types.js';

/** Source rows above which an uncached dataset is not tokenized just to count steps. */
export const TOKENIZE_ROW_LIMIT = 50_000;

const unknown = (how: string): DataSize => ({ trainRows: null, valRows: null, how });

async function tokenizerDir(recipe: ResolvedRecipe, env: NodeJS.ProcessEnv): Promise<string | null> {
  const t = recipe.tokenizer;
  if (t.path === null) return null;
  if (t.path_kind !== 'hub') return t.path;
  const rev = recipe.model.base === t.path ? recipe.model.revision : 'main';
  const dir = repoCacheDir(hubSettings({}, env).cacheDir, { type: 'model', name: t.path });
  const sha = await cachedCommit(dir, rev);
  return sha ? join(dir, 'snapshots', sha) : null;
}

/** The training-set size of a recipe, or the reason it is unknown before a run. */
export async function planDataSize(recipe: ResolvedRecipe, env: NodeJS.ProcessEnv = process.env, rowLimit = TOKENIZE_ROW_LIMIT): Promise<DataSize> {
  const hubSet = recipe.data.datasets.find((d) => d.path_kind === 'hub');
  if (hubSet) return unknown(`Hub dataset ${hubSet.path}: its size is not known offline (run \`tune preprocess\` or \`tune run\` once)`);
  const { builtinFormats } = await import('../data/builtin-formats.js');
  const formats = builtinFormats();
  const pluginFormat = recipe.data.datasets.find((d) => !formats.has(d.format));
  if (pluginFormat) return unknown(`dataset format \`${pluginFormat.format}\` comes from a plugin; plans read built-in formats only`);
  const dir = await tokenizerDir(recipe, env);
  if (dir === null) return unknown(`tokenizer ${recipe.tokenizer.path ?? '(none)'} is not in the Hub cache`);
  if (!(existsSync(join(dir, 'tokenizer.json')) || existsSync(join(dir, 'vocab.json')))) return unknown(`no tokenizer.json in ${dir}`);
  const [{ prepareData }, { dataConfigFromRecipe, recipeLocator }, { loadTokenizer }, { resolveDatasetFiles }, { readSourceRows }, cache] = await Promise.all([
    import('../data/prepare.js'),
    import('../data/from-recipe.js'),
    import('../tokenizer/index.js'),
    import('../data/sources/resolve-files.js'),
    import('../data/sources/read-source.js'),
    import('../data/cache.js'),
  ]);
  try {
    const data = dataConfigFromRecipe(recipe, formats);
    const t = recipe.tokenizer;
    const tokenizer = await loadTokenizer(dir, {
      addBos: t.add_bos,
      addEos: t.add_eos ? true : null,
      padToken: t.pad_token,
      chatTemplate: t.chat_template,
      ...(recipe.source.file ? { baseDir: join(recipe.source.file, '..') } : {}),
    });
    const tokFp = cache.tokenizerFingerprint(tokenizer);
    let rows = 0;
    let allCached = true;
    for (const ds of data.datasets) {
      const files = await resolveDatasetFiles(ds, undefined);
      const bytes = files.map((f) => readFileSync(f));
      for (let i = 0; i < files.length; i++) rows += (await readSourceRows(files[i]!, bytes[i]!)).length;
      // The key prepareData uses (prepare.ts): source bytes, tokenizer, format, the dataset's fields
      // except weight and path, sequence length and truncation. A mismatch only means "not cached".
      const { weight: _w, path: _p, ...identity } = { ...ds, train_on_inputs: ds.train_on_inputs ?? data.train_on_inputs, on_bad_row: ds.on_bad_row ?? data.on_bad_row };
      const key = cache.datasetCacheKey({ sourceHashes: bytes.map((b) => cache.sha256(b)), tokenizer: tokFp, format: ds.format, dataset: identity, sequenceLen: data.sequence_len, truncation: data.truncation });
      if (!existsSync(cache.cacheFile(data.cache_dir, key))) allCached = false;
    }
    if (!allCached && rows > rowLimit) {
      return unknown(`${rows.toLocaleString('en-US')} source rows are not in the prepared cache; tokenizing more than ${rowLimit.toLocaleString('en-US')} just to count steps is slow — run \`tune preprocess\` first`);
    }
    const prepared = await prepareData({ data, tokenizer, formats, seed: recipe.training.seed, locate: recipeLocator(recipe) });
    const how = allCached ? 'prepared-data cache' : `tokenized ${rows.toLocaleString('en-US')} source rows (now cached for tune run)`;
    return { trainRows: prepared.train.length, valRows: prepared.val.length, how: `${how}${prepared.packed ? ', packed' : ''}` };
  } catch (e) {
    if (!isTuneError(e)) throw e;
    return { ...unknown(`the data cannot be prepared (${e.code})`), diagnostics: e.diagnostics };
  }
}
