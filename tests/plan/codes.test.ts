import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isKnownCode } from '../../src/diagnostics/codes/index.js';
import { PLAN_CODES } from '../../src/diagnostics/codes/plan.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('PLAN diagnostic codes', () => {
  const files = [...sources('src/plan'), 'src/cli/plan.ts'];
  const used = new Set(files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/'((?:PLAN|MODEL)_[A-Z0-9_]+)'/g)].map((m) => m[1] as string)));

  it('every code the plan sources raise is in the catalogue', () => {
    assert.ok(used.size >= 5);
    for (const c of used) assert.ok(isKnownCode(c), `${c} is not catalogued`);
  });

  it('every catalogued PLAN code is raised somewhere', () => {
    for (const c of Object.keys(PLAN_CODES)) assert.ok(used.has(c), `${c} is catalogued but never used`);
  });
});
