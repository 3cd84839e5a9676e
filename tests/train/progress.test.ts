import assert from 'node:assert/strict';
import { formatDuration, formatStepLine } from '../../src/train/progress.js';

describe('train/progress: the status line', () => {
  it('shows step, epoch, loss, lr, grad norm, throughput and ETA', () => {
    assert.equal(
      formatStepLine(12, 300, { epoch: 0.5, loss: 2.31044, learningRate: 1e-4, gradNorm: 0.5, tokensPerSecond: 1234.4 }, 192),
      'step 12/300 | epoch 0.50 | loss 2.3104 | lr 1.00e-4 | grad_norm 0.500 | 1234 tok/s | ETA 3m12s',
    );
  });

  it('follows the loss with its terms; a tiny term keeps three significant digits', () => {
    assert.equal(formatStepLine(2, 3, { loss: 2.3204, lossTerms: { ce: 2.3104, l2sp: 0.01 } }, 5), 'step 2/3 | loss 2.3204 (ce 2.3104 + l2sp 0.0100) | ETA 5s');
    assert.equal(formatStepLine(2, 3, { loss: 2.3104, lossTerms: { ce: 2.3104, l2sp: 1.234e-6 } }, Number.NaN), 'step 2/3 | loss 2.3104 (ce 2.3104 + l2sp 0.00000123) | ETA ?');
  });

  it('formats durations', () => {
    assert.deepEqual([formatDuration(59), formatDuration(61), formatDuration(3661)], ['59s', '1m01s', '1h01m']);
  });
});
