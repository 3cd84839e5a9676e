/**
 * Where each value of a recipe came from, so every diagnostic can point at the exact key or value —
 * even after `extends` merged several files and command-line overrides changed the result.
 * Keys are JSON pointers (`/method/lora/r`).
 */

/** A 1-based source span (end exclusive). */
export interface Span {
  line: number;
  col: number;
  endLine: number;
  endCol: number;
}

/** A value written in a recipe file. */
export interface FileOrigin {
  kind: 'file';
  /** The file as diagnostics name it (relative to the working directory when inside it). */
  file: string;
  /** Folder relative paths in this file are resolved against. */
  dir: string;
  source: string;
  /** The key of a mapping entry (absent for sequence items and the document root). */
  key?: Span;
  value: Span;
}

/** A value set or deleted on the command line (`key.path=value`, `~key.path`). */
export interface OverrideOrigin {
  kind: 'override';
  text: string;
  /** Relative paths in an override are resolved against the working directory. */
  dir: string;
}

export type Origin = FileOrigin | OverrideOrigin;
export type Origins = Map<string, Origin>;

/** Escape one JSON-pointer segment. */
export function escapeSegment(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapeSegment(s: string): string {
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Split a JSON pointer into its segments (`''` → `[]`). */
export function splitPointer(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map(unescapeSegment);
}

export function joinPointer(segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${escapeSegment(String(s))}`).join('');
}

/** `data.datasets[0].path` — how a pointer is written in messages. */
export function displayPath(pointer: string): string {
  let out = '';
  for (const seg of splitPointer(pointer)) {
    if (/^\d+$/.test(seg)) out += `[${seg}]`;
    else out += out === '' ? seg : `.${seg}`;
  }
  return out;
}

/** The origin recorded for `pointer`, or for its nearest ancestor that has one. */
export function findOrigin(origins: Origins, pointer: string): { origin: Origin; pointer: string } | undefined {
  let p = pointer;
  for (;;) {
    const o = origins.get(p);
    if (o) return { origin: o, pointer: p };
    if (p === '') return undefined;
    p = p.slice(0, p.lastIndexOf('/'));
  }
}

/** Remove the origins of `pointer` and of everything below it. */
export function dropOrigins(origins: Origins, pointer: string): void {
  for (const k of [...origins.keys()]) {
    if (k === pointer || k.startsWith(`${pointer}/`)) origins.delete(k);
  }
}

/** Read the value at a JSON pointer (undefined when absent). */
export function getAt(root: unknown, pointer: string): unknown {
  let cur: unknown = root;
  for (const seg of splitPointer(pointer)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}
