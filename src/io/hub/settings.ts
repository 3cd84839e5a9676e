/**
 * Hub settings from the environment, as huggingface_hub reads them: HF_ENDPOINT, HF_TOKEN
 * (or the token file `huggingface-cli login` writes), HF_HOME / HF_HUB_CACHE, HF_HUB_OFFLINE.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Resolved hub settings. */
export interface HubSettings {
  /** Hub base URL without trailing slash (HF_ENDPOINT, default https://huggingface.co). */
  endpoint: string;
  /** Access token (HF_TOKEN, else `$HF_TOKEN_PATH` / `$HF_HOME/token`), or undefined. */
  token: string | undefined;
  /** Cache root holding `models--org--name` folders (HF_HUB_CACHE, else `$HF_HOME/hub`). */
  cacheDir: string;
  /** Use only the cache, never the network (HF_HUB_OFFLINE=1). */
  offline: boolean;
}

/** Overrides for {@link hubSettings}; each wins over the environment. */
export type HubOptions = Partial<HubSettings>;

const TRUE = new Set(['1', 'ON', 'YES', 'TRUE']);

/** `$HF_HOME`, defaulting to `$XDG_CACHE_HOME/huggingface` or `~/.cache/huggingface`. */
export function hfHome(env: NodeJS.ProcessEnv = process.env): string {
  return env['HF_HOME'] ?? join(env['XDG_CACHE_HOME'] ?? join(homedir(), '.cache'), 'huggingface');
}

function tokenFrom(env: NodeJS.ProcessEnv): string | undefined {
  const direct = env['HF_TOKEN'] ?? env['HUGGING_FACE_HUB_TOKEN'];
  if (direct?.trim()) return direct.trim();
  try {
    const t = readFileSync(env['HF_TOKEN_PATH'] ?? join(hfHome(env), 'token'), 'utf8').trim();
    return t || undefined;
  } catch {
    return undefined;
  }
}

/**
 * Resolve hub settings: explicit options, then the environment, then huggingface_hub defaults.
 *
 * @example
 * const s = hubSettings({ offline: true }); // cache only
 */
export function hubSettings(options: HubOptions = {}, env: NodeJS.ProcessEnv = process.env): HubSettings {
  return {
    endpoint: (options.endpoint ?? env['HF_ENDPOINT'] ?? 'https://huggingface.co').replace(/\/+$/, ''),
    token: options.token ?? tokenFrom(env),
    cacheDir: options.cacheDir ?? env['HF_HUB_CACHE'] ?? env['HUGGINGFACE_HUB_CACHE'] ?? join(hfHome(env), 'hub'),
    offline: options.offline ?? TRUE.has((env['HF_HUB_OFFLINE'] ?? env['TRANSFORMERS_OFFLINE'] ?? '').toUpperCase()),
  };
}
