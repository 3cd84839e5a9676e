/**
 * Duplicate-key detection for JSON text. `JSON.parse` silently keeps the last of two equal keys;
 * the safetensors spec forbids duplicates, so headers are scanned once before parsing.
 */

/** Where a duplicate key was found: the key and the JSON-pointer-like path of its object. */
export interface DuplicateKey {
  key: string;
  /** Path of the object holding the duplicate, e.g. `/` or `/__metadata__`. */
  path: string;
}

/**
 * Find the first duplicate object key in valid JSON text, or undefined. Call it only on text that
 * `JSON.parse` accepted (it does not re-validate the grammar).
 */
export function findDuplicateKey(text: string): DuplicateKey | undefined {
  // Stack of open containers: objects track their keys, arrays hold null.
  const stack: { keys: Set<string> | null; path: string; pendingKey: string | null }[] = [];
  let lastString: string | null = null;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 0x5c /* \ */) j += 2;
        else if (d === 0x22) break;
        else j++;
      }
      lastString = JSON.parse(text.slice(i, j + 1)) as string;
      i = j + 1;
      continue;
    }
    const top = stack[stack.length - 1];
    if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      const parentPath = top ? childPath(top) : '';
      stack.push({ keys: c === 0x7b ? new Set() : null, path: parentPath || '/', pendingKey: null });
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x3a /* : */ && top?.keys && lastString !== null) {
      if (top.keys.has(lastString)) return { key: lastString, path: top.path };
      top.keys.add(lastString);
      top.pendingKey = lastString;
    } else if (c === 0x2c /* , */ && top) {
      top.pendingKey = null;
    }
    i++;
  }
  return undefined;
}

function childPath(top: { keys: Set<string> | null; path: string; pendingKey: string | null }): string {
  const base = top.path === '/' ? '' : top.path;
  return top.keys ? `${base}/${top.pendingKey ?? ''}` : `${base}/*`;
}
