import { strict as assert } from 'node:assert';
import {
  applyNoRepeatNgram,
  applyRepetitionPenalty,
  applyTemperature,
  applyTopK,
  applyTopP,
  argmax,
  bannedNgramTokens,
  chooseToken,
  resolveGenerateOptions,
  sampleIndex,
} from '../../src/generate/index.js';
import { Rng } from '../../src/models/index.js';
import { TuneError } from '../../src/diagnostics/index.js';

const f32 = (xs: number[]): Float32Array => Float32Array.from(xs);
const NEG = -Infinity;

// Expected values below are worked out by hand from transformers' generation/logits_process.py.
describe('logits processors (HF semantics)', () => {
  it('repetition penalty divides positive and multiplies negative scores, once per distinct id', () => {
    const s = f32([2, -1, 0.5, 3]);
    applyRepetitionPenalty(s, [0, 1, 1], 2);
    assert.deepEqual([...s], [1, -2, 0.5, 3]);
  });

  it('no_repeat_ngram bans the tokens that would repeat an n-gram', () => {
    assert.deepEqual(bannedNgramTokens([1, 2, 3, 1, 2], 3), [3]);
    assert.deepEqual(bannedNgramTokens([1, 2, 3, 1, 2], 2), [3]);
    assert.deepEqual(bannedNgramTokens([5, 6, 5, 7, 5], 2), [6, 7]);
    assert.deepEqual(bannedNgramTokens([1, 2], 3), []);
    assert.deepEqual(bannedNgramTokens([1, 2], 4), []);
    const s = f32([0, 1, 2, 3, 4]);
    applyNoRepeatNgram(s, [1, 2, 3, 1, 2], 3);
    assert.deepEqual([...s], [0, 1, 2, NEG, 4]);
  });

  it('temperature divides the scores', () => {
    const s = f32([2, 4, -1]);
    applyTemperature(s, 2);
    assert.deepEqual([...s], [1, 2, -0.5]);
  });

  it('top_k keeps every score tied with the k-th largest', () => {
    const s = f32([1, 3, 3, 2, 0]);
    applyTopK(s, 2);
    assert.deepEqual([...s], [NEG, 3, 3, NEG, NEG]);
    const t = f32([1, 3, 3, 2, 0]);
    applyTopK(t, 3);
    assert.deepEqual([...t], [NEG, 3, 3, 2, NEG]);
    const u = f32([1, 2]);
    applyTopK(u, 10);
    assert.deepEqual([...u], [1, 2]);
  });

  it('top_p drops the low tail whose cumulative probability is ≤ 1 − top_p', () => {
    const logp = [0.5, 0.3, 0.15, 0.05].map(Math.log);
    // ascending: 0.05, 0.15, 0.3, 0.5 → cumulative 0.05, 0.2, 0.5, 1.0
    const a = f32(logp);
    applyTopP(a, 0.7); // remove cum ≤ 0.3 → ids 3, 2
    assert.deepEqual([...a].map((v) => v === NEG), [false, false, true, true]);
    const b = f32(logp);
    applyTopP(b, 0.9); // remove cum ≤ 0.1 → id 3
    assert.deepEqual([...b].map((v) => v === NEG), [false, false, false, true]);
    const c = f32(logp);
    applyTopP(c, 0.01); // everything but min_tokens_to_keep = 1
    assert.deepEqual([...c].map((v) => v === NEG), [false, true, true, true]);
  });

  it('argmax takes the first maximum (torch.argmax)', () => {
    assert.equal(argmax([1, 5, 5, 2]), 1);
  });

  it('greedy still applies repetition penalty and no_repeat_ngram', () => {
    const o = resolveGenerateOptions({ repetitionPenalty: 4 });
    assert.equal(chooseToken(f32([1, 3, 2]), [1], o, new Rng(0)), 2); // 3/4 < 2
    const n = resolveGenerateOptions({ noRepeatNgramSize: 2 });
    assert.equal(chooseToken(f32([0, 0, 9, 1]), [2, 2], n, new Rng(0)), 3); // (2,2) banned → next best
  });

  it('sampling draws with the given probabilities and is reproducible per seed', () => {
    const probs = [0.2, 0.5, 0.3];
    const counts = [0, 0, 0];
    const rng = new Rng(7);
    for (let i = 0; i < 20000; i++) counts[sampleIndex(probs, rng)]! += 1;
    counts.forEach((c, i) => assert.ok(Math.abs(c / 20000 - probs[i]!) < 0.015, `${i}: ${c}`));
    const draw = (seed: number): number[] => {
      const r = new Rng(seed);
      return Array.from({ length: 20 }, () => sampleIndex(probs, r));
    };
    assert.deepEqual(draw(3), draw(3));
    assert.notDeepEqual(draw(3), draw(4));
  });

  it('sampling never picks a filtered token', () => {
    const o = resolveGenerateOptions({ doSample: true, topK: 2, temperature: 0.7 });
    const rng = new Rng(1);
    for (let i = 0; i < 200; i++) assert.ok([1, 3].includes(chooseToken(f32([0, 5, 1, 4.5]), [], o, rng)));
  });

  it('rejects out-of-range options with GENERATE_OPTION_INVALID', () => {
    for (const bad of [{ temperature: 0 }, { topP: 1.5 }, { topK: -1 }, { maxNewTokens: 1.5 }, { repetitionPenalty: 0 }]) {
      assert.throws(() => resolveGenerateOptions(bad), (e: unknown) => e instanceof TuneError && e.code === 'GENERATE_OPTION_INVALID');
    }
    assert.throws(() => resolveGenerateOptions({ stopStrings: ['x'] }), (e: unknown) => e instanceof TuneError && e.code === 'GENERATE_OPTION_INVALID');
  });
});
