import assert from 'node:assert/strict';
import { main } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/command.js';
import { alpaca } from '../../plugins/alpaca/index.js';
import { captureIO } from '../helpers/io.js';
import { STORIES_DIR, tmp, tokenizer } from './helpers/setup.js';

const DIR = 'tests/fixtures/data/preprocess';

const run = (argv: string[], io: CliIO): Promise<number> => main(['preprocess', ...argv], io);

describe('tune preprocess', () => {
  it('reports counts, then a cached rerun; --inspect marks trained tokens with brackets', async () => {
    const cache = tmp('tk-pp-');
    const io = captureIO();
    assert.equal(await run([`${DIR}/recipe.yaml`, '--set', `data.cache_dir=${cache}`], io), 0, io.err());
    assert.match(io.out(), /^dataset 0 tests\/fixtures\/data\/preprocess\/alpaca\.jsonl \(alpaca, 1 file\): 3 rows → 3 examples, 355 tokens, 11 trained\ntrain: 3 rows, val: 0 rows/);
    const io2 = captureIO();
    assert.equal(await run([`${DIR}/recipe.yaml`, '--set', `data.cache_dir=${cache}`, '--inspect', '1'], io2), 0);
    assert.match(io2.out(), /11 trained \[cached\]/);
    assert.match(io2.out(), /# row 0: 107 tokens, 5 trained\n## .*alpaca\.jsonl:1\n<s> Below is an instruction/);
    assert.ok(io2.out().endsWith('### Response:[[A cat.</s>]]\n'), io2.out());
  });

  it('colours trained tokens on a terminal', async () => {
    const io = captureIO();
    io.stdout.isTTY = true;
    assert.equal(await run([`${DIR}/recipe.yaml`, '--no-cache', '--inspect', '1'], io), 0);
    assert.ok(io.out().includes('\u001b[2m<s> Below is'));
    assert.ok(io.out().includes('\u001b[32mA cat.</s>\u001b[0m'));
  });

  it('--format json prints [{input_ids, labels}] equal to the alpaca format output', async () => {
    const io = captureIO();
    assert.equal(await run([`${DIR}/recipe.yaml`, '--no-cache', '--inspect', '2', '--format', 'json'], io), 0);
    const rows = JSON.parse(io.out()) as { input_ids: number[]; labels: number[] }[];
    assert.equal(rows.length, 2);
    assert.deepEqual(Object.keys(rows[0]!), ['input_ids', 'labels']);
    const tok = await tokenizer(STORIES_DIR);
    const want = alpaca.toExample({ instruction: 'Name a pet.', input: '', output: 'A cat.' }, { tokenizer: tok, dataset: { path: 'x', format: 'alpaca', train_on_inputs: false }, sequenceLen: 256 });
    assert.deepEqual(rows[0], want);
    assert.equal(rows[0]!.input_ids[0], 1);
    assert.deepEqual(rows[0]!.labels.slice(-1), [2]);
  });

  it('a bad row is a diagnostic with the data file, line, row and field (exit 1)', async () => {
    const io = captureIO();
    assert.equal(await run([`${DIR}/bad-row.yaml`, '--no-cache'], io), 1);
    assert.match(io.err(), /preprocess\/bad-row\.jsonl:2:1: error DATA_BAD_ROW row 2: field `output` is missing\n  expected a string, found nothing\n  hint: .*on_bad_row: skip/);
  });

  it('a template placeholder with no field is a diagnostic at the recipe line', async () => {
    const io = captureIO();
    assert.equal(await run([`${DIR}/placeholder.yaml`, '--no-cache'], io), 1);
    assert.match(io.err(), /placeholder\.yaml:9:26: error DATA_TEMPLATE_PLACEHOLDER template\.prompt_no_input has a placeholder `\{question\}` with no matching field/);
  });

  it('usage errors exit 2', async () => {
    const io = captureIO();
    assert.equal(await run(['--inspect', 'x', `${DIR}/recipe.yaml`], io), 2);
    assert.match(io.err(), /CLI_USAGE --inspect takes a count/);
  });
});
