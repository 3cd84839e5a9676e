import assert from 'node:assert/strict';
import { initEngine, liveBufferBytes, measurePeakTensorBytes, tf } from '../../src/engine/index.js';
import { TEST_BACKENDS } from '../helpers/backends.js';

for (const backend of TEST_BACKENDS) {
  describe(`engine/buffer-bytes on ${backend}`, () => {
    before(async () => {
      await initEngine(backend);
    });

    it('counts a buffer once however many tensors view it, and frees it with the last one', () => {
      const start = liveBufferBytes();
      const a = tf.zeros([256, 4]);
      const views = [tf.reshape(a, [1024]), tf.reshape(a, [4, 256])];
      assert.equal(liveBufferBytes() - start, 4096);
      // tfjs' own count adds every view.
      assert.ok(tf.memory().numBytes >= 3 * 4096);
      a.dispose();
      views[0]!.dispose();
      assert.equal(liveBufferBytes() - start, 4096);
      views[1]!.dispose();
      assert.equal(liveBufferBytes(), start);
    });

    it('the peak sees a transient allocation freed before the function returns', () => {
      const start = liveBufferBytes();
      const { value, peakBytes } = measurePeakTensorBytes(() =>
        tf.tidy(() => {
          const big = tf.ones([1024, 64]); // 256 KiB, gone when the tidy ends
          return tf.sum(big);
        }),
      );
      assert.equal(peakBytes - start, 1024 * 64 * 4 + 4);
      assert.equal((value.dataSync() as Float32Array)[0], 65536);
      value.dispose();
      assert.equal(liveBufferBytes(), start);
      // Nested: the outer peak includes the inner one.
      const outer = measurePeakTensorBytes(() => measurePeakTensorBytes(() => tf.tidy(() => tf.sum(tf.ones([512]))).dispose()).peakBytes);
      assert.equal(outer.peakBytes, outer.value);
      assert.equal(outer.value - start, 512 * 4 + 4);
    });
  });
}
