import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scratch, tune } from './helpers.js';

const RECIPE = fileURLToPath(new URL('../recipes/gpt2-bitfit-lion-l2sp.yaml', import.meta.url));
const COMMITTED = fileURLToPath(new URL('../recipes/recipe.schema.json', import.meta.url));
const SHIPPED = fileURLToPath(new URL('../../../schema/recipe.schema.json', import.meta.url));

type Node = { [k: string]: unknown };
const at = (schema: Node, pointer: string): Node => pointer.split('/').slice(1).reduce<Node>((n, k) => n[k] as Node, schema);

describe('examples/plugins: the recipe schema for the editor', () => {
  const tmp = scratch();

  it('`tune schema --out` writes the committed recipe.schema.json (regenerate it with that command when it differs)', async () => {
    const file = join(tmp.dir(), 'schema.json');
    const r = await tune(['schema', '--out', file, RECIPE]);
    assert.equal(r.code, 0, r.err);
    assert.equal(readFileSync(file, 'utf8'), readFileSync(COMMITTED, 'utf8'));
  });

  it('offers each plugin’s keys where the editor completes them, with descriptions and defaults; the shipped schema knows none of them', () => {
    const schema = JSON.parse(readFileSync(COMMITTED, 'utf8')) as Node;
    const method = at(schema, '/$defs/method/properties');
    assert.ok((at(method, '/kind')['enum'] as string[]).includes('bitfit'));
    assert.match(String(at(method, '/kind')['description']), /`bitfit`: BitFit: only the bias terms train/);
    assert.deepEqual(at(method, '/bitfit/properties/only')['default'], []);
    const optimizer = at(schema, '/$defs/optimizer');
    assert.ok((at(optimizer, '/properties/name')['enum'] as string[]).includes('lion'));
    assert.deepEqual((optimizer['x-variants'] as { defaults: Record<string, unknown> }).defaults['lion'], { betas: [0.9, 0.99] });
    const reg = at(schema, '/properties/regularization/properties');
    assert.deepEqual(at(reg, '/kind')['enum'], ['l2sp']);
    assert.equal(at(reg, '/lambda')['default'], 0.01);
    const exp = at(schema, '/$defs/output/properties/export');
    assert.deepEqual(at(exp, '/items')['enum'], ['full', 'adapter', 'merged', 'bias_delta']);
    assert.equal((exp['x-export-folders'] as Record<string, string>)['bias_delta'], 'bias_delta');

    const shipped = readFileSync(SHIPPED, 'utf8');
    for (const word of ['bitfit', 'lion', 'l2sp', 'bias_delta', 'regularization']) assert.ok(!shipped.includes(`"${word}"`), `the shipped schema mentions ${word}`);
  });

  it('the example recipe validates and plans', async () => {
    const v = await tune(['validate', RECIPE]);
    assert.equal(v.code, 0, v.err);
    const p = await tune(['plan', RECIPE]);
    assert.equal(p.code, 0, p.err);
    assert.match(p.out, /method {4}bitfit: BitFit: 13 bias tensors \(736 parameters\) train; every weight is frozen; L2-SP: λ = 0\.01 × ‖θ − θ₀‖² over 736 trainable parameters/);
    assert.match(p.out, /optimizer lion lr 0\.001/);
    assert.match(p.out, /plugin state {5}2\.88 KiB {4}L2-SP θ₀ 2\.88 KiB/);
  });
});
