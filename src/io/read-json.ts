/**
 * Reading a JSON object file with diagnostics that point at the line and column of a syntax error.
 */
import { readFile } from 'node:fs/promises';
import { fail } from '../diagnostics/index.js';
import { failFs } from './fs-errors.js';

/** Line and column (1-based) of a character offset. */
function lineCol(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let last = -1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) { line++; last = i; }
  return { line, col: offset - last };
}

/**
 * Read `path` and parse it as a JSON object. Missing file → IO_FILE_NOT_FOUND (with `hint`);
 * invalid JSON or a non-object → IO_JSON_INVALID with line/col where the parser stopped.
 */
export async function readJsonObject(path: string, what: string, hint?: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    failFs(e, path, what, hint);
  }
  return parseJsonObject(text, path, what);
}

/** Parse JSON text that must be an object (see {@link readJsonObject}). */
export function parseJsonObject(text: string, path: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const m = /position (\d+)/.exec(msg);
    const pos = m ? lineCol(text, Number(m[1])) : {};
    fail('IO_JSON_INVALID', `${what} is not valid JSON: ${msg}`, { file: path, ...pos, source: text, hint: 'fix the JSON syntax (a trailing comma or a missing quote?)' });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    fail('IO_JSON_INVALID', `${what} is not a JSON object`, {
      file: path, expected: 'an object {…}', found: Array.isArray(value) ? 'an array' : String(value), hint: `${what} must hold a JSON object`,
    });
  }
  return value as Record<string, unknown>;
}
