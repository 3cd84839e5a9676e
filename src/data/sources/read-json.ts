import { fail } from '../../diagnostics/index.js';
import { jsonErrorOffset, lineColAt } from '../../tokenizer/read-json-file.js';
import type { SourceRow } from './source-row.js';

/** Start offsets of the top-level elements of a JSON array text (strings skipped), for row line numbers. */
function elementOffsets(text: string): number[] {
  const out: number[] = [];
  let depth = 0;
  let inString = false;
  let expectElement = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 32 || c === 9 || c === 10 || c === 13) continue;
    if (expectElement && depth === 1 && c !== 93) {
      out.push(i);
      expectElement = false;
    }
    if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      depth++;
      if (depth === 1 && c === 91) expectElement = true;
    } else if (c === 93 || c === 125) depth--;
    else if (c === 44 && depth === 1) expectElement = true;
  }
  return out;
}

/**
 * A `.json` file: an array of objects (one row each), or an object whose single array-valued key holds
 * the rows (`{"data": [...]}`, as HF's json loader accepts with `field`).
 */
export function readJsonRows(file: string, text: string): SourceRow[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const off = jsonErrorOffset(msg, text);
    fail('DATA_PARSE_ERROR', `${file} is not valid JSON: ${msg}`, {
      file,
      ...(off === undefined ? {} : lineColAt(text, off)),
      hint: 'a .json dataset is one JSON array of objects; use .jsonl for one object per line',
    });
  }
  let rows: unknown[];
  if (Array.isArray(parsed)) rows = parsed;
  else {
    const arrays = parsed !== null && typeof parsed === 'object' ? Object.values(parsed).filter(Array.isArray) : [];
    if (arrays.length !== 1) {
      fail('DATA_PARSE_ERROR', `${file} does not hold an array of rows`, {
        file, line: 1, col: 1, expected: 'a JSON array of objects', found: parsed === null ? 'null' : typeof parsed,
        hint: 'a .json dataset is one JSON array of objects; use .jsonl for one object per line',
      });
    }
    rows = arrays[0] as unknown[];
  }
  const offsets = Array.isArray(parsed) ? elementOffsets(text) : [];
  return rows.map((r, i) => {
    const off = offsets[i];
    const ref = { file, row: i + 1, ...(off === undefined ? {} : { line: lineColAt(text, off).line }) };
    if (r === null || typeof r !== 'object' || Array.isArray(r)) {
      return { ref, error: { message: 'is not a JSON object', expected: 'an object', found: Array.isArray(r) ? 'array' : r === null ? 'null' : typeof r } };
    }
    return { ref, data: r as Record<string, unknown> };
  });
}

/** A `.jsonl` file: one JSON object per line; blank lines are skipped; a bad line is a bad row. */
export function readJsonlRows(file: string, text: string): SourceRow[] {
  const out: SourceRow[] = [];
  const lines = text.split('\n');
  let row = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '');
    if (line.trim() === '') continue;
    row++;
    const ref = { file, row, line: i + 1 };
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      out.push({ ref, error: { message: `is not valid JSON (${(e as Error).message})`, expected: 'one JSON object per line' } });
      continue;
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      out.push({ ref, error: { message: 'is not a JSON object', expected: 'an object', found: Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v } });
      continue;
    }
    out.push({ ref, data: v as Record<string, unknown> });
  }
  return out;
}
