/**
 * Python `str.format`-style templates with named fields, as the Stanford Alpaca PROMPT_DICT uses:
 * `{name}` is a placeholder, `{{` and `}}` are literal braces.
 */

/** A parsed template: literal pieces and field names, alternating (pieces.length = names.length + 1). */
export interface PromptTemplate {
  pieces: string[];
  names: string[];
}

/** Parse a template; throws a string describing the problem when braces do not balance. */
export function parsePromptTemplate(src: string): PromptTemplate | string {
  const pieces: string[] = [];
  const names: string[] = [];
  let cur = '';
  for (let i = 0; i < src.length; i++) {
    const c = src[i];
    if (c === '{') {
      if (src[i + 1] === '{') {
        cur += '{';
        i++;
        continue;
      }
      const end = src.indexOf('}', i);
      if (end < 0) return `unclosed \`{\` at character ${i + 1}`;
      const name = src.slice(i + 1, end);
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return `\`{${name}}\` is not a field placeholder (write \`{{\` for a literal brace)`;
      pieces.push(cur);
      names.push(name);
      cur = '';
      i = end;
    } else if (c === '}') {
      if (src[i + 1] === '}') {
        cur += '}';
        i++;
        continue;
      }
      return `single \`}\` at character ${i + 1} (write \`}}\` for a literal brace)`;
    } else cur += c;
  }
  pieces.push(cur);
  return { pieces, names };
}

/** Fill a parsed template. */
export function fillPromptTemplate(t: PromptTemplate, values: Record<string, string>): string {
  let out = t.pieces[0] ?? '';
  for (let i = 0; i < t.names.length; i++) out += (values[t.names[i]!] ?? '') + (t.pieces[i + 1] ?? '');
  return out;
}
