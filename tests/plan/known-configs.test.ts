import assert from 'node:assert/strict';
import { countParameters, modelCatalog, parseModelConfig } from '../../src/models/catalog.js';
import { knownConfig, knownConfigIds } from '../../src/models/known-configs/index.js';

describe('built-in configs of well-known models', () => {
  it('parse and give the published parameter counts', () => {
    const published: Record<string, number> = {
      'mosaicml/mpt-30b': 29_957_200_896, // model card: 29.95B
      'mosaicml/mpt-7b': 6_649_286_656, // model card: 6.7B
      'HuggingFaceTB/SmolLM2-135M': 134_515_008,
      'meta-llama/Llama-3.1-8B': 8_030_261_248,
      'openai-community/gpt2': 124_439_808,
      'openai-community/gpt2-medium': 354_823_168,
      // bloom-7b1's 6,041,411,584 non-embedding parameters + 50304 × 4096 (vocabulary unverified)
      'malteos/bloom-6b4-clp-german': 6_041_411_584 + 50304 * 4096,
    };
    assert.deepEqual(knownConfigIds().sort(), Object.keys(published).sort());
    for (const [id, n] of Object.entries(published)) assert.equal(countParameters(modelCatalog(parseModelConfig(knownConfig(id)!.config))), n, id);
  });

  it('finds ids case-insensitively, by alias, and ignores a revision', () => {
    assert.equal(knownConfig('MosaicML/MPT-30B@main')?.id, 'mosaicml/mpt-30b');
    assert.equal(knownConfig('gpt2')?.id, 'openai-community/gpt2');
    assert.equal(knownConfig('meta-llama/Meta-Llama-3.1-8B')?.id, 'meta-llama/Llama-3.1-8B');
    assert.equal(knownConfig('someorg/unknown'), undefined);
    assert.deepEqual(knownConfig('malteos/bloom-6b4-clp-german')?.unverified, ['vocab_size']);
  });
});
