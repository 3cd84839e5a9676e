import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isKnownCode } from '../../src/diagnostics/codes/index.js';
import { QUANT_CODES } from '../../src/diagnostics/codes/quant.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('QUANT diagnostic codes', () => {
  const files = [...sources('src/quant'), ...sources('src/train/optim').filter((f) => f.includes('8bit'))];
  const used = new Set(files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/'(QUANT_[A-Z0-9_]+)'/g)].map((m) => m[1] as string)));

  it('every code the quant sources raise is in the catalogue', () => {
    assert.ok(used.size >= 4);
    for (const c of used) assert.ok(isKnownCode(c), `${c} is not catalogued`);
  });

  it('every catalogued QUANT code is raised somewhere', () => {
    for (const c of Object.keys(QUANT_CODES)) assert.ok(used.has(c), `${c} is catalogued but never used`);
  });
});
