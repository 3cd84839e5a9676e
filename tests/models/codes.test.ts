import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isKnownCode } from '../../src/diagnostics/index.js';
import { MODEL_CODES } from '../../src/diagnostics/codes/model.js';

function sources(path: string): string[] {
  if (path.endsWith('.ts')) return [path];
  return readdirSync(path, { withFileTypes: true }).flatMap((e) => sources(join(path, e.name)));
}

describe('model, generation and eval diagnostic codes', () => {
  const files = ['src/models', 'src/generate', 'src/cli/generate.ts', 'src/cli/eval.ts'].flatMap(sources);
  const text = files.map((f) => readFileSync(f, 'utf8')).join('\n');
  const used = new Set([...text.matchAll(/'((?:MODEL|ADAPTER|GENERATE|EVAL)_[A-Z0-9_]+)'/g)].map((m) => m[1]!));

  it('every code these areas raise is catalogued', () => {
    for (const c of used) assert.ok(isKnownCode(c), `${c} is not catalogued`);
  });

  it('every catalogued code is raised somewhere', () => {
    for (const c of Object.keys(MODEL_CODES)) assert.ok(used.has(c), `${c} is catalogued but never used`);
  });
});
