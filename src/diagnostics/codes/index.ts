/**
 * The catalogue of diagnostic codes. Each area owns one file below; this index merges them so a
 * test can check that every code used in the source is catalogued and documented.
 */
import { CLI_CODES } from './cli.js';

export interface CodeInfo {
  /** One-line summary of what went wrong. */
  summary: string;
}

export const CODES: Readonly<Record<string, CodeInfo>> = Object.freeze({
  ...CLI_CODES,
});

export function isKnownCode(code: string): boolean {
  return Object.hasOwn(CODES, code);
}
