import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isKnownCode } from '../../src/diagnostics/index.js';
import { IO_CODES } from '../../src/diagnostics/codes/io.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('IO diagnostic codes', () => {
  const text = sources('src/io').map((f) => readFileSync(f, 'utf8')).join('\n');
  const used = new Set([...text.matchAll(/'(IO_[A-Z0-9_]+)'/g)].map((m) => m[1]!));

  it('every code src/io raises is in the catalogue', () => {
    for (const c of used) assert.ok(isKnownCode(c), `${c} is not catalogued`);
  });

  it('every catalogued IO code is raised somewhere in src/io', () => {
    for (const c of Object.keys(IO_CODES)) assert.ok(used.has(c), `${c} is catalogued but never used`);
  });
});
