import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { lrLambda, resolveWarmupSteps } from '../../src/train/schedule.js';

describe('train/schedule (HF formulas)', () => {
  it('reproduces the golden linear-with-warmup lrs of the AdamW fixtures', () => {
    for (const arch of ['gpt2', 'llama', 'mpt']) {
      const golden = JSON.parse(readFileSync(`tests/fixtures/parity/${arch}/golden/adamw.json`, 'utf8')) as { lr: number[] };
      const lrs = [0, 1, 2].map((k) => 1e-3 * lrLambda({ name: 'linear', warmupSteps: 1, totalSteps: 3 }, k));
      lrs.forEach((lr, k) => assert.ok(Math.abs(lr - (golden.lr[k] as number)) <= 1e-7 * Math.abs(golden.lr[k] as number), `${arch} step ${k}`));
    }
  });

  it('cosine: half cosine from 1 to 0 after warmup', () => {
    const s = { name: 'cosine' as const, warmupSteps: 2, totalSteps: 12 };
    assert.deepEqual([0, 1, 2].map((k) => lrLambda(s, k)), [0, 0.5, 1]);
    assert.ok(Math.abs(lrLambda(s, 7) - 0.5) < 1e-12);
    assert.ok(Math.abs(lrLambda(s, 12)) < 1e-12);
  });

  it('cosine_with_min_lr floors at the ratio; constant ignores warmup; constant_with_warmup ramps', () => {
    assert.ok(Math.abs(lrLambda({ name: 'cosine_with_min_lr', warmupSteps: 0, totalSteps: 10, minLrRatio: 0.1 }, 10) - 0.1) < 1e-12);
    assert.equal(lrLambda({ name: 'constant', warmupSteps: 5, totalSteps: 10 }, 0), 1);
    assert.equal(lrLambda({ name: 'constant_with_warmup', warmupSteps: 4, totalSteps: 10 }, 1), 0.25);
    assert.equal(lrLambda({ name: 'constant_with_warmup', warmupSteps: 4, totalSteps: 10 }, 9), 1);
  });

  it('linear never goes below zero past the end', () => {
    assert.equal(lrLambda({ name: 'linear', warmupSteps: 0, totalSteps: 4 }, 6), 0);
  });

  it('warmup ratio rounds up like HF get_warmup_steps', () => {
    assert.equal(resolveWarmupSteps(1000, undefined, 0.04), 40);
    assert.equal(resolveWarmupSteps(101, undefined, 0.04), 5);
    assert.equal(resolveWarmupSteps(101, 7, undefined), 7);
    assert.equal(resolveWarmupSteps(101, undefined, undefined), 0);
  });
});
