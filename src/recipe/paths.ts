import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, resolve } from 'node:path';

const EXPLICIT_LOCAL = /^(?:\.{1,2}(?:[\\/]|$)|[\\/]|~[\\/]|[A-Za-z]:[\\/])/;
const HUB_ID = /^[A-Za-z0-9][\w.-]*(?:\/[A-Za-z0-9][\w.-]*)?(?:@[\w./-]+)?$/;
const DATA_EXT = /\.(?:jsonl|json|csv|tsv|parquet|txt|arrow)(?:\.gz)?$/i;
const GLOB = /[*?[\]{}]/;

/** Resolve a path written in a recipe against the folder it was written in (`~/` is the home folder). */
export function resolveFrom(dir: string, p: string): string {
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) return resolve(homedir(), p.slice(2));
  return isAbsolute(p) ? p : resolve(dir, p);
}

/** A hub reference split into repo and revision (`org/name@rev`). */
export interface HubRef {
  kind: 'hub';
  repo: string;
  revision: string | null;
}

export type ModelRef = { kind: 'local'; path: string } | HubRef;

/**
 * Is `ref` a local folder or a hub id? Explicit paths (`./`, `../`, `/`, `~/`) and existing folders
 * are local; anything else shaped like `org/name[@rev]` is a hub id.
 */
export function classifyModelRef(ref: string, dir: string): ModelRef {
  if (EXPLICIT_LOCAL.test(ref)) return { kind: 'local', path: resolveFrom(dir, ref) };
  if (existsSync(resolveFrom(dir, ref))) return { kind: 'local', path: resolveFrom(dir, ref) };
  if (HUB_ID.test(ref)) {
    const at = ref.indexOf('@');
    return at < 0 ? { kind: 'hub', repo: ref, revision: null } : { kind: 'hub', repo: ref.slice(0, at), revision: ref.slice(at + 1) };
  }
  return { kind: 'local', path: resolveFrom(dir, ref) };
}

/** Like classifyModelRef, but file extensions and glob characters also mean a local dataset. */
export function classifyDataRef(ref: string, dir: string): ModelRef {
  if (DATA_EXT.test(ref) || GLOB.test(ref)) return { kind: 'local', path: resolveFrom(dir, ref) };
  return classifyModelRef(ref, dir);
}

/** True for strings that are a Jinja template rather than a path to one. */
export function isInlineTemplate(s: string): boolean {
  return /\{[{%#]/.test(s) || s.includes('\n');
}

/** Does a hub id look valid? */
export function isHubId(s: string): boolean {
  return HUB_ID.test(s);
}
