import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { CODES } from '../../src/diagnostics/index.js';

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('diagnostics catalogue', () => {
  it('every code raised in src/ and plugins/ is catalogued with a summary', () => {
    const used = new Set<string>();
    for (const file of [...sources('src'), ...sources('plugins')]) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\b(?:fail|diag)\(\s*'([A-Z][A-Z0-9_]+)'/g)) used.add(m[1] as string);
    }
    assert.ok(used.size > 50, `found only ${used.size} codes: the scan is broken`);
    const missing = [...used].filter((c) => !Object.hasOwn(CODES, c)).sort();
    assert.deepEqual(missing, []);
    for (const [code, info] of Object.entries(CODES)) assert.ok(info.summary.length > 10, `${code} has a summary`);
  });
});
