/**
 * Line/column of a value inside JSON text, so diagnostics about a config field point at it.
 * JSON is YAML 1.2, so the yaml package's CST with a LineCounter gives exact positions.
 */
import { isNode, LineCounter, parseDocument } from 'yaml';

/** 1-based line/col of the value at `path` (keys from the root), or {} when it cannot be found. */
export function jsonPosition(text: string | undefined, path: readonly (string | number)[]): { line?: number; col?: number } {
  if (!text) return {};
  try {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, keepSourceTokens: false });
    let node: unknown = doc.getIn(path, true);
    // A missing key: point at the enclosing object instead.
    for (let n = path.length - 1; (node === undefined || !isNode(node)) && n >= 0; n--) node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    const range = isNode(node) ? node.range : undefined;
    if (!range) return {};
    const { line, col } = lineCounter.linePos(range[0]);
    return { line, col };
  } catch {
    return {};
  }
}
