/**
 * Built-in config.json copies of well-known Hub models, for planning offline (`tune plan`) when
 * neither a local folder nor the Hub cache has the file. TensorFlow-free; a cached or local
 * config.json always wins over these.
 *
 * @example
 * const k = knownConfig('mosaicml/mpt-30b');
 * if (k) console.log(modelCatalog(parseModelConfig(k.config)).modules.length);
 */
import { KNOWN_CONFIG_LIST } from './configs.js';
import type { KnownConfig } from './types.js';

export type { KnownConfig } from './types.js';

const BY_ID = new Map<string, KnownConfig>();
for (const k of KNOWN_CONFIG_LIST) for (const id of [k.id, ...(k.aliases ?? [])]) BY_ID.set(id.toLowerCase(), k);

/** The built-in config of a Hub id (case-insensitive, as the Hub resolves names), or undefined. */
export function knownConfig(repoId: string): KnownConfig | undefined {
  return BY_ID.get(repoId.replace(/@.*$/, '').toLowerCase());
}

/** Every Hub id with a built-in config (for hints). */
export function knownConfigIds(): string[] {
  return KNOWN_CONFIG_LIST.map((k) => k.id);
}
