import type { Diagnostic } from './diagnostic.js';

/** `file:line:col: severity CODE message`, the first line of every printed diagnostic. */
export function formatHeadline(d: Diagnostic): string {
  let where = d.file ?? '';
  if (where && d.line !== undefined) where += `:${d.line}:${d.col ?? 1}`;
  return `${where ? `${where}: ` : ''}${d.severity} ${d.code} ${d.message}`;
}

/** A code frame: two lines of context either side, a caret under the offending span. */
export function codeFrame(source: string, line: number, col: number, endLine?: number, endCol?: number): string {
  const lines = source.split(/\r?\n/);
  const first = Math.max(1, line - 2);
  const last = Math.min(lines.length, line + 2);
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const text = (lines[n - 1] ?? '').replace(/\t/g, ' ');
    const marker = n === line ? '>' : ' ';
    out.push(`${marker} ${String(n).padStart(width)} | ${text}`);
    if (n === line) {
      const span = endLine === line && endCol !== undefined && endCol > col ? endCol - col : 1;
      out.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, col - 1))}${'^'.repeat(Math.max(1, span))}`);
    }
  }
  return out.join('\n');
}

export interface FormatOptions {
  /** Print code frames when the diagnostic carries its source. Default true. */
  frames?: boolean;
}

/** Human-readable text for a list of diagnostics (what the CLI writes to stderr). */
export function formatDiagnostics(list: readonly Diagnostic[], opts: FormatOptions = {}): string {
  const blocks = list.map((d) => {
    const parts = [formatHeadline(d)];
    if ((d.expected !== undefined && !d.message.includes(d.expected)) || d.found !== undefined) {
      const ef: string[] = [];
      // The headline often already says what was expected; do not repeat it.
      if (d.expected !== undefined && !d.message.includes(d.expected)) ef.push(`expected ${d.expected}`);
      if (d.found !== undefined) ef.push(`found ${d.found}`);
      parts.push(`  ${ef.join(', ')}`);
    }
    if (opts.frames !== false && d.source !== undefined && d.line !== undefined) {
      parts.push(codeFrame(d.source, d.line, d.col ?? 1, d.endLine, d.endCol));
    }
    if (d.hint) parts.push(`  hint: ${d.hint}`);
    if (d.url) parts.push(`  see: ${d.url}`);
    return parts.join('\n');
  });
  return blocks.join('\n\n') + (blocks.length ? '\n' : '');
}

/** JSON form for tools (`--format json`): the source text is never included. */
export function diagnosticsToJson(list: readonly Diagnostic[]): object[] {
  return list.map((d) => {
    const { source: _source, ...rest } = d;
    return rest;
  });
}
