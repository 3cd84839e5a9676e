import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fg from 'fast-glob';
import { parse, stringify } from 'yaml';
import { main } from '../../src/cli/main.js';
import { formatDiagnostics, isKnownCode } from '../../src/diagnostics/index.js';
import { checkRecipeFile } from '../../src/recipe/load.js';
import { captureIO } from '../helpers/io.js';
import { seededRandom } from '../../src/data/shuffle.js';

const REPO = resolve(import.meta.dirname, '../..');

/** The data pipeline's seeded PRNG (mulberry32), so every run mutates the same way. */
const rng = seededRandom;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const WEIRD: Json[] = [null, true, false, 0, -1, 1.5, 1e308, -1e-9, '', 'x', 'all-linear', '3', '~/nope', '../../etc', [], [1, 'a'], {}, { a: 1 }, 'q_proj(', 2 ** 53];
const KEYS = ['lr', 'learning_rate', 'epoch', 'kind', 'lora', 'quantization', 'extends', 'max_steps', 'warmup_ratio', 'format', 'text_field', 'path', 'momentum', '__proto__', 'constructor', 'r'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

/** Every (container, key) pair in a document. */
function slots(doc: Json, out: [Record<string, Json> | Json[], string | number][] = []): typeof out {
  if (Array.isArray(doc)) doc.forEach((v, i) => (out.push([doc, i]), slots(v, out)));
  else if (doc && typeof doc === 'object') for (const [k, v] of Object.entries(doc)) out.push([doc, k]), slots(v, out);
  return out;
}

function mutateTree(doc: Json, r: () => number): Json {
  const copy = structuredClone(doc);
  const n = 1 + Math.floor(r() * 3);
  for (let i = 0; i < n; i++) {
    const all = slots(copy);
    if (!all.length) break;
    const [c, k] = pick(r, all);
    const op = Math.floor(r() * 5);
    if (Array.isArray(c)) {
      if (op === 0) c.splice(k as number, 1);
      else c[k as number] = pick(r, WEIRD);
    } else if (op === 0) delete c[k as string];
    else if (op === 1) c[`${k as string}${pick(r, ['s', '_', 'x', ''])}`] = c[k as string]!;
    else if (op === 2) c[pick(r, KEYS)] = pick(r, WEIRD);
    else c[k as string] = pick(r, WEIRD);
  }
  return copy;
}

function mutateText(text: string, r: () => number): string {
  const pos = Math.floor(r() * text.length);
  const op = Math.floor(r() * 5);
  if (op === 0) return text.slice(0, pos) + text.slice(pos + 1 + Math.floor(r() * 5));
  if (op === 1) return text.slice(0, pos) + pick(r, ['\t', ':', '[', '{', '"', "'", '&a ', '*a', '\n  ', '- ', '#', '|', '>', '%', '@', '`', '!!int ']) + text.slice(pos);
  if (op === 2) return text.slice(0, pos);
  if (op === 3) {
    const lines = text.split('\n');
    const i = Math.floor(r() * lines.length);
    lines.splice(i, 0, lines[Math.floor(r() * lines.length)] ?? '');
    return lines.join('\n');
  }
  return text.replace(/\n {2}/g, (m) => (r() < 0.1 ? '\n' : r() < 0.1 ? '\n   ' : m));
}

describe('recipe: fuzz (500 seeded mutations of shipped recipes)', function () {
  this.timeout(20000);
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'tunekit-fuzz-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('never throws and only produces catalogued diagnostics, never a stack trace', async () => {
    const sources = fg.sync('recipes/**/*.yaml', { cwd: REPO, absolute: true }).sort();
    const docs = sources.map((f) => {
      const doc = parse(readFileSync(f, 'utf8')) as Record<string, Record<string, unknown>>;
      // Make local paths absolute so semantic checks still see the real model and data.
      if (typeof doc['model']?.['base'] === 'string' && doc['model']['base'].startsWith('.')) doc['model']['base'] = resolve(f, '..', doc['model']['base']);
      for (const ds of (doc['data']?.['datasets'] as Record<string, string>[] | undefined) ?? []) if (ds['path']?.startsWith('.')) ds['path'] = resolve(f, '..', ds['path']);
      return doc as Json;
    });
    const r = rng(20261123);
    const files: string[] = [];
    let invalid = 0;
    for (let i = 0; i < 500; i++) {
      const base = pick(r, docs);
      let text = stringify(i % 2 === 0 ? mutateTree(base, r) : base);
      if (i % 2 === 1 || r() < 0.2) text = mutateText(text, r);
      const file = join(dir, `m${i}.yaml`);
      writeFileSync(file, text);
      files.push(file);
      let result;
      try {
        result = checkRecipeFile(file, { cwd: dir });
      } catch (e) {
        assert.fail(`mutation ${i} threw ${(e as Error).stack}\n--- recipe ---\n${text}`);
      }
      for (const d of result.diagnostics) {
        assert.ok(isKnownCode(d.code), `mutation ${i}: unknown code ${d.code}`);
        assert.equal(typeof d.message, 'string');
        if (d.line !== undefined) assert.ok(d.line >= 1 && (d.col ?? 1) >= 1, `mutation ${i}: bad position`);
      }
      const printed = formatDiagnostics(result.diagnostics);
      assert.doesNotMatch(printed, /\n\s+at .+:\d+:\d+\)?\n/, `mutation ${i} printed a stack trace`);
      if (result.diagnostics.some((d) => d.severity === 'error')) invalid++;
      else assert.ok(result.recipe, `mutation ${i}: no error but no recipe`);
    }
    // The mutations must actually exercise the error paths.
    assert.ok(invalid > 250, `only ${invalid} of 500 mutations were invalid`);

    // And the CLI over all of them at once: exit 1, no INTERNAL error.
    const io = captureIO(dir);
    assert.equal(await main(['validate', '-q', ...files.slice(0, 100).map((f) => f.slice(dir.length + 1))], io), 1);
    assert.doesNotMatch(io.err(), /INTERNAL/);
  });
});
