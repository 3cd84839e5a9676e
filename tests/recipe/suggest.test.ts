import assert from 'node:assert/strict';
import { aliasFor } from '../../src/recipe/aliases.js';
import { ARCH_FACTS, archFacts, contextLength, targetMatches } from '../../src/recipe/arch-facts.js';
import { shippedRecipeSchema } from '../../src/recipe/schema.js';
import { defaultTargets } from '../../plugins/lora/targets.js';
import { editDistance, suggest } from '../../src/recipe/suggest.js';

describe('recipe: did-you-mean', () => {
  it('edit distance counts insertions, deletions, substitutions and transpositions', () => {
    assert.equal(editDistance('epoch', 'epochs'), 1);
    assert.equal(editDistance('lr', 'rl'), 1);
    assert.equal(editDistance('cosine', 'cosin'), 1);
    assert.equal(editDistance('kitten', 'sitting'), 3);
  });

  it('suggests near keys ignoring case and separators, and nothing for far ones', () => {
    assert.equal(suggest('microBatchSize', ['micro_batch_size', 'seed']), 'micro_batch_size');
    assert.equal(suggest('warmup_step', ['warmup_steps', 'warmup_ratio']), 'warmup_steps');
    assert.equal(suggest('zzz', ['epochs', 'seed']), undefined);
  });

  it('maps Axolotl / HF Trainer / PEFT spellings to recipe paths that exist', () => {
    const schema = shippedRecipeSchema();
    const aliases = schema.aliases;
    assert.equal(aliasFor('learning_rate', '', aliases)?.to, 'optimizer.lr');
    assert.equal(aliasFor('num_epochs', 'training', aliases)?.to, 'training.epochs');
    assert.equal(aliasFor('lora_r', '', aliases)?.to, 'method.lora.r', 'the lora plugin brings its aliases');
    assert.equal(aliasFor('sequence_len', '', aliases)?.to, 'data.sequence_len');
    assert.equal(aliasFor('sequence_len', 'data', aliases), undefined); // already in the right place
    assert.equal(aliasFor('toString', '', aliases), undefined);
    assert.ok(Object.keys(aliases).length > 60, `only ${Object.keys(aliases).length} aliases`);
    for (const [k, a] of Object.entries(aliases)) {
      const parts = a.to.split('.');
      const parent = parts.slice(0, -1).map((p) => `/${p}`).join('');
      assert.ok(schema.allowedKeys(parent).includes(parts.at(-1)!), `alias ${k} → ${a.to} points nowhere`);
    }
  });
});

describe('recipe: architecture facts', () => {
  it('knows the six model types, with context keys and norms (PEFT default targets are the lora plugin’s)', () => {
    assert.deepEqual(Object.keys(ARCH_FACTS).sort(), ['bloom', 'gpt2', 'llama', 'mistral', 'mpt', 'qwen2']);
    for (const t of Object.keys(ARCH_FACTS)) assert.ok(defaultTargets(t).length > 0, t);
    assert.deepEqual(defaultTargets('gpt2'), ['c_attn']);
    assert.deepEqual(defaultTargets('mpt'), ['Wqkv']);
    assert.deepEqual(defaultTargets('toString'), []);
    assert.deepEqual(archFacts('llama')?.norms, ['model.layers.0.input_layernorm', 'model.layers.0.post_attention_layernorm', 'model.norm']);
    assert.equal(contextLength(archFacts('gpt2')!, {}), 1024);
    assert.equal(contextLength(archFacts('gpt2')!, { n_positions: 256 }), 256);
    assert.equal(contextLength(archFacts('mpt')!, { max_seq_len: 4096 }), 4096);
    assert.equal(contextLength(archFacts('bloom')!, {}), null);
    assert.equal(archFacts('toString'), undefined);
  });

  it('matches targets the PEFT way (name or .suffix; regex full match)', () => {
    assert.ok(targetMatches(['q_proj'], 'model.layers.0.self_attn.q_proj'));
    assert.ok(!targetMatches(['proj'], 'model.layers.0.self_attn.q_proj'));
    assert.ok(targetMatches('.*\\.(q|v)_proj', 'model.layers.0.self_attn.v_proj'));
    assert.ok(!targetMatches('q_proj', 'model.layers.0.self_attn.q_proj')); // regex must match the whole name
  });

  it('does not import TensorFlow.js', async () => {
    const { readFileSync } = await import('node:fs');
    const src = readFileSync(new URL('../../src/recipe/arch-facts.ts', import.meta.url), 'utf8');
    assert.doesNotMatch(src, /@tensorflow|from '\.\.\/(engine|models)/);
  });
});
