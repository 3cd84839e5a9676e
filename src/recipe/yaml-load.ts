import { LineCounter, isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { type CoreCode, diag, type Diagnostic } from '../diagnostics/index.js';
import { joinPointer, type FileOrigin, type Origins, type Span } from './origins.js';

/** One recipe file parsed into plain data, with the position of every key and value. */
export interface ParsedFile {
  value: unknown;
  origins: Origins;
  diagnostics: Diagnostic[];
}

const YAML_CODE: Record<string, CoreCode> = {
  DUPLICATE_KEY: 'RECIPE_YAML_DUPLICATE_KEY',
  TAB_AS_INDENT: 'RECIPE_YAML_TAB',
};

/**
 * Parse recipe text. YAML syntax problems, tabs, duplicate keys, an empty file and a top level that
 * is not a mapping each become a diagnostic with its position; `value` is then undefined.
 */
export function parseRecipeText(text: string, file: string, dir: string): ParsedFile {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true, prettyErrors: false, merge: true });
  const at = (offset: number): { line: number; col: number } => lc.linePos(offset);
  const span = (range: readonly [number, number, number?] | null | undefined): Span => {
    const [a, b] = range ?? [0, 0];
    const s = at(a);
    const e = at(Math.max(a, b));
    return { line: s.line, col: s.col, endLine: e.line, endCol: e.col };
  };
  const diagnostics: Diagnostic[] = [];
  for (const e of doc.errors) {
    let start = e.pos[0];
    // yaml reports an unclosed quote at the end of the file; point at the quote that opened it.
    if (e.code === 'MISSING_CHAR' && /quote/.test(e.message)) {
      const q = e.message.includes('"') ? '"' : "'";
      const open = text.lastIndexOf(q, Math.max(0, start - 1));
      if (open >= 0) start = open;
    }
    const s = at(start);
    const e2 = at(Math.max(start + 1, start === e.pos[0] ? e.pos[1] : start + 1));
    const code = YAML_CODE[e.code] ?? 'RECIPE_YAML_SYNTAX';
    const message =
      code === 'RECIPE_YAML_DUPLICATE_KEY'
        ? `duplicate key \`${/^\s*([^:\n,{}]+?)\s*:/.exec(text.slice(e.pos[0]))?.[1] ?? text.slice(e.pos[0], e.pos[1])}\``
        : code === 'RECIPE_YAML_TAB'
          ? 'tab character used for indentation'
          : `YAML syntax error: ${e.message.replace(/ at line \d+, column \d+.*$/s, '')}`;
    const hint =
      code === 'RECIPE_YAML_DUPLICATE_KEY'
        ? 'a key may appear once per mapping; remove or merge the repeated entry'
        : code === 'RECIPE_YAML_TAB'
          ? 'YAML indents with spaces only; replace the tab with spaces'
          : 'check indentation, quotes and brackets around this position';
    diagnostics.push(diag(code, message, { file, line: s.line, col: s.col, endLine: e2.line, endCol: e2.col, source: text, hint }));
  }
  if (diagnostics.length) return { value: undefined, origins: new Map(), diagnostics };

  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    diagnostics.push(
      diag('RECIPE_EMPTY', 'the recipe is empty', {
        file,
        line: 1,
        col: 1,
        source: text,
        hint: 'start from `tune init`, or add at least `recipe_version: 1`, `model`, `data` and `method`',
      }),
    );
    return { value: undefined, origins: new Map(), diagnostics };
  }
  if (!isMap(doc.contents)) {
    const s = span(doc.contents.range);
    diagnostics.push(
      diag('RECIPE_NOT_A_MAPPING', 'the top level of a recipe must be a mapping of keys', {
        file,
        ...s,
        source: text,
        expected: 'a mapping (`key: value` lines)',
        found: isSeq(doc.contents) ? 'a list' : 'a single value',
      }),
    );
    return { value: undefined, origins: new Map(), diagnostics };
  }

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 1000 });
  } catch (e) {
    // Unresolved or runaway aliases are only detected when building the data.
    diagnostics.push(
      diag('RECIPE_YAML_SYNTAX', `YAML error: ${(e as Error).message}`, { file, line: 1, col: 1, source: text, hint: 'check the `*alias` references in this file' }),
    );
    return { value: undefined, origins: new Map(), diagnostics };
  }

  const origins: Origins = new Map();
  const base = (value: Span, key?: Span): FileOrigin => {
    const o: FileOrigin = { kind: 'file', file, dir, source: text, value };
    if (key) o.key = key;
    return o;
  };
    // A key missing at the top level is reported at the first key of the document.
  const rootSpan = span(doc.contents.range);
  origins.set('', base(rootSpan, { line: rootSpan.line, col: rootSpan.col, endLine: rootSpan.line, endCol: rootSpan.col + 1 }));
  const walk = (node: Node | null | undefined, path: (string | number)[]): void => {
    if (!node || isAlias(node)) return;
    if (isMap(node)) {
      for (const item of node.items) {
        if (!isPair(item) || !isScalar(item.key)) continue;
        const k = String(item.key.value);
        const p = [...path, k];
        const keySpan = span(item.key.range);
        const v = item.value as Node | null;
        origins.set(joinPointer(p), base(v && v.range ? span(v.range) : keySpan, keySpan));
        walk(v, p);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const n = item as Node | null;
        if (n && n.range) origins.set(joinPointer([...path, i]), base(span(n.range)));
        walk(n, [...path, i]);
      });
    }
  };
  walk(doc.contents, []);
  return { value, origins, diagnostics };
}
