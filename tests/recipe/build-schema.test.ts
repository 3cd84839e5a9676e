/**
 * The recipe schema built from plugin contributions: a plugin's method, optimizer, loss term and
 * export kind land in the enums with their keys and rules, and contributions that cannot be combined
 * fail when the schema is built (what checkRecipe reports as PLUGIN_LOAD_FAILED).
 */
import assert from 'node:assert/strict';
import { buildRecipeSchema } from '../../src/recipe/build-schema.js';
import { type ContributingPlugin, type MethodSpec, collectContributions } from '../../src/recipe/contributions.js';
import { compileRecipeSchema } from '../../src/recipe/schema.js';
import { resolveRecipeObject } from '../../src/recipe/load.js';
import { CATALOG } from '../helpers/plugins.js';

type Node = { [k: string]: unknown };
const at = (schema: Node, pointer: string): Node => pointer.split('/').slice(1).reduce<Node>((n, k) => n[k] as Node, schema);

const shaped: MethodSpec = {
  name: 'shaped',
  description: 'a test method',
  keys: { shaped: { schema: { type: 'object', description: 'its settings', default: {}, examples: [{}], additionalProperties: false, properties: {} } } },
  exports: { allowed: ['deltas', 'full'], default: ['deltas'] },
};
const third: ContributingPlugin = {
  name: 'third',
  recipe: {
    methods: [shaped],
    optimizers: [{ name: 'signum', description: 'sign of the momentum', uses: ['betas'], defaults: { betas: [0.95, 0.95] }, stateBytes: () => ({ bytes: 0, host: false }) }],
    lossTerms: [{ name: 'zloss', description: 'z-loss', keys: { weight: { schema: { type: 'number', description: 'the weight', default: 1e-4, examples: [1e-4] } } } }],
    exportKinds: [{ name: 'deltas', description: 'the weight deltas', folder: 'weight-deltas' }],
  },
};
const build = (...extra: ContributingPlugin[]): Node => buildRecipeSchema(collectContributions([...CATALOG.plugins, ...extra])) as Node;

describe('recipe/build-schema: plugins’ contributions', () => {
  it('adds a plugin’s method, optimizer, loss term and export kind to the enums, with folders and defaults', () => {
    const s = build(third);
    assert.deepEqual(at(s, '/$defs/method/properties/kind')['enum'], ['full', 'lora', 'qlora', 'shaped']);
    assert.ok((at(s, '/$defs/optimizer/properties/name')['enum'] as string[]).includes('signum'));
    assert.deepEqual(at(s, '/properties/regularization/properties/kind')['enum'], ['zloss']);
    const exp = at(s, '/$defs/output/properties/export');
    assert.deepEqual(at(exp, '/items')['enum'], ['full', 'adapter', 'merged', 'deltas']);
    assert.deepEqual(exp['x-export-folders'], { full: 'model', adapter: 'adapter', merged: 'merged', deltas: 'weight-deltas' });
    assert.match(String(exp['description']), /`deltas` \(`weight-deltas\/`\): the weight deltas\. null: the method’s default — `\[full\]` for full; `\[adapter\]` for lora, qlora; `\[deltas\]` for shaped\./);
  });

  it('resolves a recipe of those keys: defaults of the variant, the method’s default export into its folder', () => {
    const schema = compileRecipeSchema(build(third));
    const r = resolveRecipeObject(
      { recipe_version: 1, model: { init: 'random', config: { model_type: 'llama' } }, tokenizer: { path: 'models/stories260k' }, data: { datasets: [{ path: 'examples/data/tiny-alpaca.jsonl', format: 'alpaca' }] }, method: { kind: 'shaped' }, optimizer: { name: 'signum' }, regularization: { kind: 'zloss' }, output: { dir: '/tmp/x' } },
      { schema },
    );
    assert.deepEqual(r.optimizer['betas'], [0.95, 0.95]);
    assert.deepEqual(r.regularization, { kind: 'zloss', weight: 1e-4 });
    assert.deepEqual(r.output.export, ['deltas']);
    assert.deepEqual(r.output.export_dirs, { deltas: '/tmp/x/weight-deltas' });
  });

  it('refuses contributions that cannot be combined', () => {
    assert.throws(() => build(third, { name: 'fourth', recipe: { optimizers: [{ name: 'signum', description: 'again', stateBytes: () => ({ bytes: 0, host: false }) }] } }), /optimizer `signum` is registered by both `third` and `fourth`/);
    assert.throws(() => build({ name: 'x', recipe: { exportKinds: [{ name: 'full', description: 'mine' }] } }), /export kind `full` is registered twice \(the core registers `full`\)/);
    assert.throws(() => build({ name: 'x', recipe: { methods: [{ ...shaped, exports: { allowed: ['tarball'], default: ['tarball'] } }] } }), /method `shaped` exports `tarball`, which no plugin registers as an export kind/);
    assert.throws(() => build({ name: 'x', recipe: { optimizers: [{ name: 'o', description: 'o', uses: ['gamma'], stateBytes: () => ({ bytes: 0, host: false }) }] } }), /`o` uses `gamma`, which no optimizer variant introduces/);
    assert.throws(() => build({ name: 'x', recipe: { optimizers: [{ name: 'o', description: 'o', keys: { lr: { schema: { type: 'number' } } }, stateBytes: () => ({ bytes: 0, host: false }) }] } }), /optimizer: key `lr` of `o` is already taken by the core/);
  });
});
