/**
 * One data session per recipe: the tokenizer the recipe names (downloaded when it is a Hub id, or
 * found in the Hub cache only), the dataset formats its plugins register, the Hub source honouring
 * `model.offline`, and `prepare()` — the one place recipe data becomes token rows. `tune run`,
 * `tune eval`, `tune preprocess`, `tune plan` and plugins (exact-match) all prepare data here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fail } from '../diagnostics/index.js';
import { downloadHubRepo } from '../io/hub/index.js';
import { cachedCommit, repoCacheDir } from '../io/hub/cache-layout.js';
import { hubSettings } from '../io/hub/settings.js';
import { locateInRecipe, type ResolvedDataset, type ResolvedRecipe } from '../recipe/index.js';
import { idsOnlyTokenizer } from '../tokenizer/ids-only.js';
import { loadTokenizer } from '../tokenizer/load.js';
import type { Tokenizer, TokenizerOverrides } from '../tokenizer/types.js';
import { dataConfigFromRecipe, recipeLocator } from './from-recipe.js';
import { type FormatRegistry, type PreparedData, prepareData } from './prepare.js';
import { ioHubDatasetSource } from './sources/hub-io.js';

/** Tokenizer files worth fetching for a Hub tokenizer (no weights). */
const TOKENIZER_PATTERNS = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'chat_template.jinja', 'vocab.json', 'merges.txt', 'generation_config.json'];

export interface DataSessionOptions {
  /** Dataset formats by name (what the recipe's plugins register). */
  formats: FormatRegistry;
  /** Environment (HF_HOME, HF_HUB_CACHE, HF_ENDPOINT, HF_TOKEN). Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Never download: a Hub tokenizer must already be in the cache (`tune plan`). */
  cacheOnly?: boolean;
}

/** What `prepare` can be asked for beyond the recipe's own data. */
export interface PrepareRequest {
  /**
   * Every row of this file, in file order, read with the settings of the recipe's first dataset
   * (format, template, fields), no validation split (`tune eval --data`, exact-match).
   */
  heldOut?: string;
  /** Read and write the prepared cache (default true). */
  cache?: boolean;
  onProgress?: (info: { dataset: number; path: string; done: number; total: number }) => void;
}

/** The tokenizer folder and the recipe's overrides for it. */
export interface TokenizerSource {
  dir: string;
  overrides: TokenizerOverrides;
}

/** Where the recipe's tokenizer is, downloading a Hub tokenizer's files; null when `cacheOnly` and not cached. */
async function tokenizerSource(recipe: ResolvedRecipe, o: DataSessionOptions): Promise<TokenizerSource | null> {
  const t = recipe.tokenizer;
  if (t.path === null) {
    fail('TOKENIZER_NOT_FOUND', 'the recipe names no tokenizer (model.init: random without model.base)', {
      ...locateInRecipe(recipe, '/tokenizer'),
      hint: 'set tokenizer.path to a folder with tokenizer.json',
    });
  }
  let dir = t.path;
  if (t.path_kind === 'hub') {
    const rev = recipe.model.base === t.path ? recipe.model.revision : 'main';
    if (o.cacheOnly) {
      const repo = repoCacheDir(hubSettings({}, o.env ?? process.env).cacheDir, { type: 'model', name: t.path });
      const sha = await cachedCommit(repo, rev);
      if (!sha) return null;
      dir = join(repo, 'snapshots', sha);
    } else {
      dir = (await downloadHubRepo(`${t.path}@${rev}`, { allowPatterns: TOKENIZER_PATTERNS, ...(recipe.model.offline ? { offline: true } : {}) })).dir;
    }
  }
  const overrides: TokenizerOverrides = { addBos: t.add_bos, addEos: t.add_eos ? true : null, padToken: t.pad_token, chatTemplate: t.chat_template };
  if (recipe.source.file) overrides.baseDir = dirname(recipe.source.file);
  return { dir, overrides };
}

/** A recipe's tokenizer and data, prepared on demand. */
export class DataSession {
  private constructor(
    readonly recipe: ResolvedRecipe,
    readonly tokenizer: Tokenizer,
    /** Folder of the tokenizer files; null for ids-only runs (pre-tokenized data, no tokenizer files). */
    readonly tokenizerDir: string | null,
    readonly formats: FormatRegistry,
  ) {}

  /**
   * Open the recipe's tokenizer. Resolves to null only with `cacheOnly` when a Hub tokenizer is not
   * cached (the reason is then `DataSession.notCached(recipe)`).
   */
  static async open(recipe: ResolvedRecipe, o: DataSessionOptions & { cacheOnly: true }): Promise<DataSession | null>;
  static async open(recipe: ResolvedRecipe, o: DataSessionOptions & { cacheOnly?: false }): Promise<DataSession>;
  static async open(recipe: ResolvedRecipe, o: DataSessionOptions): Promise<DataSession | null> {
    const src = await tokenizerSource(recipe, o);
    if (!src) return null;
    const hasFiles = existsSync(join(src.dir, 'tokenizer.json')) || existsSync(join(src.dir, 'vocab.json'));
    // Pre-tokenized data on a model folder without tokenizer files: ids only, no text operations.
    const idsOnly = !hasFiles && recipe.data.datasets.every((d) => d.format === 'tokenized') && existsSync(join(src.dir, 'config.json'));
    const tokenizer = idsOnly ? idsOnlyTokenizer(src.dir, JSON.parse(readFileSync(join(src.dir, 'config.json'), 'utf8')) as Record<string, unknown>) : await loadTokenizer(src.dir, src.overrides);
    return new DataSession(recipe, tokenizer, idsOnly ? null : src.dir, o.formats);
  }

  /** Why a `cacheOnly` session could not open. */
  static notCached(recipe: ResolvedRecipe): string {
    return `tokenizer ${recipe.tokenizer.path ?? '(none)'} is not in the Hub cache`;
  }

  /** The recipe's datasets (or a held-out file read like its first dataset) as training and validation rows. */
  async prepare(req: PrepareRequest = {}): Promise<PreparedData> {
    const recipe = this.recipe;
    const first = recipe.data.datasets[0];
    const source: ResolvedRecipe =
      req.heldOut !== undefined && first
        ? { ...recipe, data: { ...recipe.data, datasets: [{ ...first, path: req.heldOut, path_kind: 'local' } as ResolvedDataset], val_set_size: 0, shuffle: false } }
        : recipe;
    return prepareData({
      data: dataConfigFromRecipe(source, this.formats),
      tokenizer: this.tokenizer,
      formats: this.formats,
      seed: recipe.training.seed,
      // A held-out file is not in the recipe: its problems are reported at the file, not at a recipe line.
      ...(req.heldOut === undefined ? { locate: recipeLocator(recipe) } : {}),
      hub: ioHubDatasetSource(recipe.model.offline ? { offline: true } : {}),
      ...(req.cache !== undefined ? { cache: req.cache } : {}),
      ...(req.onProgress ? { onProgress: req.onProgress } : {}),
    });
  }

}
