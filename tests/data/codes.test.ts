import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isKnownCode } from '../../src/diagnostics/index.js';
import { DATA_CODES } from '../../src/diagnostics/codes/data.js';
import { TOKENIZER_CODES } from '../../src/diagnostics/codes/tokenizer.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('data and tokenizer diagnostic codes', () => {
  const dirs = ['src/data', 'src/tokenizer', 'plugins/alpaca', 'plugins/chat', 'plugins/completion', 'plugins/input-output', 'plugins/tokenized'];
  const text = [...dirs.flatMap(sources), 'src/cli/preprocess.ts', 'src/cli/tokenize.ts'].map((f) => readFileSync(f, 'utf8')).join('\n');
  const used = new Set([...text.matchAll(/'((?:DATA|TOKENIZER)_[A-Z0-9_]+)'/g)].map((m) => m[1]!));

  it('every code raised is in the catalogue', () => {
    for (const c of used) assert.ok(isKnownCode(c), `${c} is not catalogued`);
  });
  it('every catalogued code is raised somewhere', () => {
    for (const c of [...Object.keys(DATA_CODES), ...Object.keys(TOKENIZER_CODES)]) assert.ok(used.has(c), `${c} is catalogued but never used`);
  });
});
