import { dirname } from 'node:path';
import { downloadHubRepo } from '../io/hub/index.js';
import { fail } from '../diagnostics/index.js';
import { locateInRecipe, type ResolvedRecipe } from '../recipe/index.js';
import type { TokenizerOverrides } from '../tokenizer/types.js';
import type { DataConfig, DatasetConfig, RecipeLocator } from './config.js';
import { COMMON_DATASET_KEYS } from './format.js';
import type { FormatRegistry } from './prepare.js';

/** Tokenizer files worth fetching for a Hub tokenizer (no weights). */
const TOKENIZER_PATTERNS = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'chat_template.jinja', 'vocab.json', 'merges.txt', 'generation_config.json'];

/**
 * The recipe's `data` section as the pipeline reads it. ResolvedRecipe fills every format's keys on
 * every dataset; only the keys the dataset's format owns are passed on.
 */
export function dataConfigFromRecipe(recipe: ResolvedRecipe, formats: FormatRegistry): DataConfig {
  const datasets = recipe.data.datasets.map((ds): DatasetConfig => {
    const owned = formats.get(ds.format)?.keys ?? [];
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(ds)) if (COMMON_DATASET_KEYS.includes(k) || owned.includes(k)) out[k] = v;
    return out as unknown as DatasetConfig;
  });
  const { datasets: _d, ...rest } = recipe.data;
  return { ...rest, datasets };
}

/** Recipe positions for data diagnostics. */
export function recipeLocator(recipe: ResolvedRecipe): RecipeLocator {
  return (pointer) => {
    const init = locateInRecipe(recipe, pointer, 'value');
    if (init.line === undefined) return undefined;
    const { path: _p, ...pos } = init;
    return pos;
  };
}

/** The tokenizer folder (downloading Hub tokenizers' files only) and the recipe's overrides. */
export async function tokenizerFromRecipe(recipe: ResolvedRecipe): Promise<{ dir: string; overrides: TokenizerOverrides }> {
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
    dir = (await downloadHubRepo(`${t.path}@${rev}`, { allowPatterns: TOKENIZER_PATTERNS, ...(recipe.model.offline ? { offline: true } : {}) })).dir;
  }
  const overrides: TokenizerOverrides = { addBos: t.add_bos, addEos: t.add_eos ? true : null, padToken: t.pad_token, chatTemplate: t.chat_template };
  if (recipe.source.file) overrides.baseDir = dirname(recipe.source.file);
  return { dir, overrides };
}
