import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main.js';
import { captureIO } from '../helpers/io.js';

const REPO = resolve(import.meta.dirname, '../..');

describe('tune init', () => {
  let dir = '';
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tunekit-init-cli-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes recipe.yaml by default, and it validates', async () => {
    const io = captureIO(dir);
    assert.equal(await main(['init'], io), 0, io.err());
    assert.match(io.out(), /^wrote recipe\.yaml \(lora\)/);
    const text = readFileSync(join(dir, 'recipe.yaml'), 'utf8');
    assert.match(text, /^# yaml-language-server: \$schema=\S+\/schema\/recipe\.schema\.json\n/);
    assert.match(text, /^ {2}kind: lora /m);
    const v = captureIO(dir);
    assert.equal(await main(['validate', 'recipe.yaml'], v), 0, v.err());
  });

  it('--method qlora --model DIR writes a QLoRA recipe for that folder that validates', async () => {
    const io = captureIO(dir);
    assert.equal(await main(['init', '--method', 'qlora', '--model', join(REPO, 'models/stories260k'), 'sub/q.yaml'], io), 0, io.err());
    const text = readFileSync(join(dir, 'sub/q.yaml'), 'utf8');
    assert.match(text, /^ {2}quantization:/m);
    assert.match(text, /target_modules: \[q_proj, v_proj\]/);
    const v = captureIO(dir);
    assert.equal(await main(['validate', 'sub/q.yaml'], v), 0, v.err());
  });

  it('refuses to overwrite an existing file unless --force', async () => {
    writeFileSync(join(dir, 'recipe.yaml'), 'keep me\n');
    const io = captureIO(dir);
    assert.equal(await main(['init'], io), 1);
    assert.match(io.err(), /`recipe\.yaml` already exists/);
    assert.equal(readFileSync(join(dir, 'recipe.yaml'), 'utf8'), 'keep me\n');
    assert.equal(await main(['init', '--force', '--method', 'full'], captureIO(dir)), 0);
    assert.match(readFileSync(join(dir, 'recipe.yaml'), 'utf8'), /^ {2}kind: full /m);
  });

  it('rejects a bad --method (exit 2) and a --model that is not a model folder (exit 1)', async () => {
    const a = captureIO(dir);
    assert.equal(await main(['init', '--method', 'dora'], a), 2);
    assert.match(a.err(), /CLI_USAGE unknown --method `dora`/);
    const b = captureIO(dir);
    assert.equal(await main(['init', '--model', 'no-such-dir'], b), 1);
    assert.match(b.err(), /RECIPE_MODEL_FOLDER/);
  });
});

describe('tune schema', () => {
  it('prints the schema JSON', async () => {
    const io = captureIO(REPO);
    assert.equal(await main(['schema'], io), 0);
    const schema = JSON.parse(io.out()) as { $id: string };
    assert.equal(schema.$id, 'https://tunekit.dev/schema/recipe.schema.json');
    const p = captureIO(REPO);
    assert.equal(await main(['schema', '--path'], p), 0);
    assert.equal(p.out().trim(), join(REPO, 'schema/recipe.schema.json'));
  });

  it('--out writes the shipped schema, or with a RECIPE the schema of its plugins; a RECIPE needs --out', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tunekit-schema-'));
    try {
      const io = captureIO(dir);
      assert.equal(await main(['schema', '--out', 'shipped.json'], io), 0);
      assert.equal(io.out(), 'wrote shipped.json\n');
      assert.equal(readFileSync(join(dir, 'shipped.json'), 'utf8'), readFileSync(join(REPO, 'schema/recipe.schema.json'), 'utf8'));
      // A recipe with only first-party plugins gets the same schema.
      writeFileSync(join(dir, 'r.yaml'), 'recipe_version: 1\nplugins: [metrics-jsonl]\n');
      assert.equal(await main(['schema', '--out', 'mine.json', 'r.yaml'], captureIO(dir)), 0);
      assert.deepEqual(JSON.parse(readFileSync(join(dir, 'mine.json'), 'utf8')), JSON.parse(readFileSync(join(REPO, 'schema/recipe.schema.json'), 'utf8')));
      const usage = captureIO(dir);
      assert.equal(await main(['schema', 'r.yaml'], usage), 2);
      assert.match(usage.err(), /a RECIPE goes with --out FILE/);
      // A recipe naming a plugin that does not exist: its diagnostic, exit 1, nothing written.
      writeFileSync(join(dir, 'bad.yaml'), 'recipe_version: 1\nplugins: [./missing.ts]\n');
      const bad = captureIO(dir);
      assert.equal(await main(['schema', '--out', 'bad.json', 'bad.yaml'], bad), 1);
      assert.match(bad.err(), /bad\.yaml:2:11: error PLUGIN_NOT_FOUND/);
      assert.throws(() => readFileSync(join(dir, 'bad.json')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
