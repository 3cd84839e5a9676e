import { type CoreCode, type Diagnostic, diag } from '../diagnostics/index.js';
import type { RowProblem, RowRef } from './format.js';

/** `messages[2].role` → `/messages/2/role`. */
export function fieldPointer(field: string): string {
  if (field === '(row)') return '';
  return `/${field.replace(/\[(\d+)\]/g, '.$1').split('.').filter(Boolean).join('/')}`;
}

/** The diagnostic for a bad row: file, line where known, row number and field. */
export function rowDiagnostic(ref: RowRef, p: RowProblem, code: CoreCode = 'DATA_BAD_ROW', hint?: string): Diagnostic {
  const what = p.field === '(row)' ? `row ${ref.row} ${p.message}` : `row ${ref.row}: field \`${p.field}\` ${p.message}`;
  return diag(code, what, {
    file: ref.file,
    ...(ref.line === undefined ? {} : { line: ref.line, col: 1 }),
    path: fieldPointer(p.field),
    ...(p.expected === undefined ? {} : { expected: p.expected }),
    ...(p.found === undefined ? {} : { found: p.found }),
    hint: hint ?? 'fix the row, or set `on_bad_row: skip` on the dataset to leave bad rows out (the count is reported)',
  });
}
