import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isKnownCode } from '../../src/diagnostics/index.js';
import { checkRecipe } from '../../src/plugin-host/recipe.js';
import { CATALOG } from '../helpers/plugins.js';

/**
 * Fixture-folder table test: each folder of tests/fixtures/invalid holds a recipe.yaml (plus any files
 * it extends) and an expected.json listing EVERY diagnostic the recipe must produce, in order:
 * code, file, line, col, a message fragment and (optionally) a hint fragment.
 */
interface Expected {
  overrides?: string[];
  diagnostics: { code: string; file?: string; line?: number; col?: number; message: string; hint?: string }[];
}

const ROOT = fileURLToPath(new URL('../fixtures/invalid/', import.meta.url));
const cases = readdirSync(ROOT).filter((d) => existsSync(join(ROOT, d, 'expected.json'))).sort();

describe('recipe: invalid-recipe corpus (tests/fixtures/invalid)', () => {
  it('has at least 40 cases', () => {
    assert.ok(cases.length >= 40, `only ${cases.length} cases`);
  });

  for (const name of cases) {
    it(name, async () => {
      const dir = join(ROOT, name);
      const exp = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
      // With the first-party plugins, as `tune validate` checks it: their keys and checks included.
      const { recipe, diagnostics } = await checkRecipe('recipe.yaml', { cwd: dir, overrides: exp.overrides ?? [], catalog: CATALOG });
      assert.equal(recipe, undefined, 'an invalid recipe must not resolve');
      const actual = diagnostics.map((d) => `${d.code} ${d.file ?? '-'}:${d.line ?? '-'}:${d.col ?? '-'} ${d.message}`);
      assert.equal(diagnostics.length, exp.diagnostics.length, `diagnostics:\n${actual.join('\n')}`);
      exp.diagnostics.forEach((e, i) => {
        const d = diagnostics[i]!;
        assert.equal(d.code, e.code, actual[i]);
        assert.ok(isKnownCode(d.code), `${d.code} is not in the catalogue`);
        assert.equal(d.severity, 'error');
        assert.equal(d.file, e.file, actual[i]);
        assert.equal(d.line, e.line, actual[i]);
        assert.equal(d.col, e.col, actual[i]);
        assert.ok(d.message.includes(e.message), `message ${JSON.stringify(d.message)} lacks ${JSON.stringify(e.message)}`);
        if (e.hint) assert.ok(d.hint?.includes(e.hint), `hint ${JSON.stringify(d.hint)} lacks ${JSON.stringify(e.hint)}`);
        // A positioned diagnostic carries the text of the file it points into, for the code frame.
        if (d.line !== undefined) assert.equal(d.source, readFileSync(join(dir, d.file ?? 'recipe.yaml'), 'utf8'), `${actual[i]}: the code-frame source is the file's text`);
      });
    });
  }
});
