import type { DiagnosticInit } from '../diagnostics/index.js';
import { findOrigin, type Origins } from './origins.js';

/** Where a diagnostic about `pointer` should point, plus a note when the value came from an override. */
export interface Location {
  init: DiagnosticInit;
  /** `set by override …` when the offending value came from the command line. */
  note?: string;
}

/**
 * Position for a diagnostic at `pointer`: the key (`prefer: 'key'`) or the value. When the pointer
 * itself has no recorded origin (a missing key), its nearest ancestor's key is used.
 */
export function locate(origins: Origins, pointer: string, prefer: 'key' | 'value', fallbackFile?: string): Location {
  const found = findOrigin(origins, pointer);
  if (!found) return { init: fallbackFile ? { file: fallbackFile, path: pointer } : { path: pointer } };
  const { origin } = found;
  if (origin.kind === 'override') {
    return { init: fallbackFile ? { file: fallbackFile, path: pointer } : { path: pointer }, note: `set by override \`${origin.text}\`` };
  }
  const exact = found.pointer === pointer;
  const span = exact && prefer === 'value' ? origin.value : (origin.key ?? origin.value);
  return {
    init: {
      file: origin.file,
      line: span.line,
      col: span.col,
      ...(span.endLine === span.line ? { endLine: span.endLine, endCol: span.endCol } : {}),
      path: pointer,
      source: origin.source,
    },
  };
}
