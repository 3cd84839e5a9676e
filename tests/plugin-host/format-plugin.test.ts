import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/io.js';

describe('a third-party dataset format plugin', function () {
  this.timeout(120_000);
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'fmt-'));
    writeFileSync(
      join(dir, 'qa-format.ts'),
      `import { definePlugin } from ${JSON.stringify(pathToFileURL(resolve('src/index.ts')).href)};
export default definePlugin({
  name: 'qa-format', version: '1.0.0',
  recipe: {
    datasetFormats: [{
      name: 'qa', description: 'question / answer rows',
      promisesEos: () => true,
      validateRow: (row: Record<string, unknown>) => (typeof row['q'] === 'string' && typeof row['a'] === 'string' ? null : { field: 'q', message: 'q and a must be strings' }),
      toExample: (row: Record<string, unknown>, ctx: any) => {
        const p = ctx.tokenizer.encode('Q: ' + row['q'] + '\\nA:');
        const full = ctx.tokenizer.encode('Q: ' + row['q'] + '\\nA: ' + row['a']).concat([ctx.tokenizer.eosTokenId]);
        return { input_ids: full, labels: full.map((id: number, i: number) => (i < p.length ? -100 : id)) };
      },
    }],
  },
});
`,
    );
    writeFileSync(join(dir, 'qa.jsonl'), '{"q":"2+2?","a":"4"}\n{"q":"3+3?","a":"6"}\n{"q":"bad"}\n');
    writeFileSync(
      join(dir, 'r.yaml'),
      `recipe_version: 1\nmodel: {base: ${resolve('models/stories260k')}}\ndata:\n  datasets: [{path: ./qa.jsonl, format: qa, on_bad_row: skip}]\n  sequence_len: 64\nmethod: {kind: lora}\ntraining: {max_steps: 2}\nlogging: {progress: none}\noutput: {dir: ./out}\nplugins: [./qa-format.ts]\n`,
    );
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is used by tune preprocess (rows, labels, bad-row policy)', async () => {
    const io = captureIO(dir);
    assert.equal(await main(['preprocess', 'r.yaml', '--inspect', '2', '--format', 'json', '--no-cache'], io), 0, io.err());
    const rows = JSON.parse(io.out()) as { input_ids: number[]; labels: number[] }[];
    assert.equal(rows.length, 2);
    for (const r of rows) {
      assert.equal(r.input_ids.at(-1), 2, 'ends in EOS');
      assert.equal(r.labels.at(-1), 2, 'EOS is trained');
      assert.equal(r.labels[0], -100);
    }
  });

  it('is used by tune run', async () => {
    const io = captureIO(dir);
    assert.equal(await main(['run', 'r.yaml'], io), 0, io.err());
    assert.match(io.out(), /data: 2 training rows/);
  });
});
