/**
 * The model config a plan is computed from, found offline: a local folder's config.json; for a Hub
 * id the huggingface_hub cache first, else a built-in copy of a well-known model's config
 * (`models/known-configs`); `model.config` is merged on top. Never touches the network.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TuneError, fail, isTuneError } from '../diagnostics/index.js';
import { cachedCommit, repoCacheDir } from '../io/hub/cache-layout.js';
import { hubSettings } from '../io/hub/settings.js';
import { parseModelConfig, type ModelConfig } from '../models/catalog.js';
import { knownConfig, knownConfigIds } from '../models/known-configs/index.js';
import { locateInRecipe } from '../recipe/load.js';
import type { ResolvedRecipe } from '../recipe/resolved.js';
import type { PlanConfigSource } from './types.js';

/** A parsed config and where it came from. */
export interface PlanModelConfig {
  config: ModelConfig;
  /** config.json merged with `model.config`. */
  raw: Record<string, unknown>;
  source: PlanConfigSource;
  unverified: string[];
}

function readJsonObject(file: string): Record<string, unknown> {
  let v: unknown;
  try {
    v = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    fail('MODEL_CONFIG_INVALID', `config.json is not valid JSON: ${(e as Error).message}`, { file });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('MODEL_CONFIG_INVALID', 'config.json must hold a JSON object', { file });
  return v as Record<string, unknown>;
}

/** config.json of a Hub model from the huggingface_hub cache, if that revision was downloaded. */
async function cachedHubConfig(repo: string, revision: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const dir = repoCacheDir(hubSettings({}, env).cacheDir, { type: 'model', name: repo });
  const sha = await cachedCommit(dir, revision);
  const file = sha ? join(dir, 'snapshots', sha, 'config.json') : undefined;
  return file && existsSync(file) ? file : undefined;
}

/**
 * Find and parse the model config of a recipe without weights or network — or, with `modelDir`, from
 * the folder a run already resolved (a local folder or a downloaded Hub snapshot).
 * Fails with PLAN_CONFIG_UNAVAILABLE (at `model.base`) when a Hub model is neither cached nor built in.
 */
export async function resolvePlanConfig(recipe: ResolvedRecipe, env: NodeJS.ProcessEnv = process.env, modelDir?: string | null): Promise<PlanModelConfig> {
  const m = recipe.model;
  let raw: Record<string, unknown> = {};
  let source: PlanConfigSource = { kind: 'recipe', where: 'model.config' };
  let unverified: string[] = [];
  let file = 'model.config';
  if (modelDir) {
    file = join(modelDir, 'config.json');
    if (!existsSync(file)) fail('MODEL_CONFIG_MISSING', `no config.json in ${modelDir}`, { ...locateInRecipe(recipe, '/model/base', 'value'), expected: 'a Hugging Face model folder with config.json' });
    raw = readJsonObject(file);
    source = { kind: m.base_kind === 'hub' ? 'hub-cache' : 'local', where: file };
  } else if (m.base !== null && m.base_kind === 'local') {
    file = join(m.base, 'config.json');
    if (!existsSync(file)) {
      fail('MODEL_CONFIG_MISSING', `no config.json in ${m.base}`, { ...locateInRecipe(recipe, '/model/base', 'value'), expected: 'a Hugging Face model folder with config.json', hint: 'point model.base at a model folder or a Hub id' });
    }
    raw = readJsonObject(file);
    source = { kind: 'local', where: file };
  } else if (m.base !== null) {
    const cached = await cachedHubConfig(m.base, m.revision, env);
    const known = knownConfig(m.base);
    if (cached) {
      file = cached;
      raw = readJsonObject(cached);
      source = { kind: 'hub-cache', where: cached };
    } else if (known) {
      raw = { ...known.config };
      source = { kind: 'built-in', where: known.source };
      unverified = [...(known.unverified ?? [])].filter((k) => !(k in m.config));
      file = `built-in config of ${known.id}`;
    } else {
      fail('PLAN_CONFIG_UNAVAILABLE', `no config.json for \`${m.base}@${m.revision}\`: not in the Hub cache and not built in`, {
        ...locateInRecipe(recipe, '/model/base', 'value'),
        expected: 'a cached download of the model, a local model folder, or a well-known model id',
        found: `nothing under ${repoCacheDir(hubSettings({}, env).cacheDir, { type: 'model', name: m.base })}`,
        hint: `download it once with network access (\`tune run\` or \`huggingface-cli download ${m.base} config.json\`), or point model.base at a local folder; built in: ${knownConfigIds().join(', ')}`,
      });
    }
  }
  const merged = { ...raw, ...m.config };
  try {
    return { config: parseModelConfig(merged, file), raw: merged, source, unverified };
  } catch (e) {
    // A bad key written in the recipe's model.config: point at it in the recipe, not at a file.
    const d = isTuneError(e) ? e.diagnostics[0] : undefined;
    const key = d?.path?.split('/')[1];
    if (!d || key === undefined || !(key in m.config)) throw e;
    throw new TuneError({ ...d, ...locateInRecipe(recipe, `/model/config${d.path}`, 'value') });
  }
}
