import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CODES } from '../../src/diagnostics/index.js';
import { CATALOG } from '../helpers/plugins.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') && !p.endsWith('.generated.ts') ? [p] : [];
  });
}

/** Every diagnostic code in the core's catalogue and the first-party plugins' catalogues, with its owner. */
const CATALOGUED = new Map<string, string>([
  ...Object.keys(CODES).map((c): [string, string] => [c, 'core']),
  ...CATALOG.plugins.flatMap((p) => Object.keys(p.codes ?? {}).map((c): [string, string] => [c, p.name])),
]);

describe('diagnostics catalogue', () => {
  const files = [...sources('src'), ...sources('plugins')];
  // Comments are left out: an example in a doc comment raises nothing.
  const text = new Map(files.map((f) => [f, readFileSync(f, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')]));
  // Codes raised by a call: fail / diag (core-typed), and a plugin's codes.diag / codes.error.
  const raised = new Set([...text.values()].flatMap((t) => [...t.matchAll(/\b(?:fail|diag|error)\(\s*'([A-Z][A-Z0-9_]+)'/g)].map((m) => m[1]!)));
  // Codes named anywhere else (tables, ternaries, x-error annotations of the schema).
  const named = new Set([...text.values(), readFileSync('schema/recipe.schema.json', 'utf8')].flatMap((t) => [...t.matchAll(/['"]([A-Z][A-Z0-9]*_[A-Z0-9_]+)['"]/g)].map((m) => m[1]!)));

  it('the scan finds the codes (a broken pattern cannot pass)', () => {
    assert.ok(raised.size > 80, `found only ${raised.size} raised codes`);
    assert.ok(raised.has('RECIPE_UNKNOWN_KEY') || named.has('RECIPE_UNKNOWN_KEY'));
    assert.ok(raised.has('LORA_NO_TARGETS') && raised.has('FULL_FREEZE_MATCHES_NOTHING'), 'plugin codes are raised through their catalogues');
  });

  it('every code raised in src/ and plugins/ is catalogued, by the core or by the plugin that raises it', () => {
    assert.deepEqual([...raised].filter((c) => !CATALOGUED.has(c)).sort(), []);
    for (const [file, t] of text) {
      if (!file.startsWith('plugins/')) continue;
      const plugin = file.split('/')[1];
      for (const m of t.matchAll(/\bcodes\.(?:diag|error)\(\s*'([A-Z][A-Z0-9_]+)'/g)) {
        const owner = CATALOGUED.get(m[1]!);
        assert.ok(owner === 'core' || owner === plugin || (plugin === 'lora' && owner === 'lora'), `${file} raises ${m[1]} of ${owner}`);
      }
    }
  });

  it('every catalogued code is raised somewhere, and has a summary', () => {
    const unused = [...CATALOGUED.keys()].filter((c) => !raised.has(c) && !named.has(c));
    assert.deepEqual(unused, []);
    for (const p of CATALOG.plugins) for (const [code, info] of Object.entries(p.codes ?? {})) assert.ok(info.summary.length > 10, `${p.name}: ${code} has a summary`);
    for (const [code, info] of Object.entries(CODES)) assert.ok(info.summary.length > 10, `${code} has a summary`);
  });
});
