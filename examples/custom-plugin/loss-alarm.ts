/**
 * A custom plugin, loaded from a recipe's `plugins:` list by relative path. It watches the training
 * loss and writes `loss-alarm.json` into the output folder with the steps where the loss rose by more
 * than `threshold` over the previous logged value.
 *
 * In a recipe:
 *   plugins:
 *     - use: ./loss-alarm.ts
 *       options: { threshold: 0.5 }
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
// In a package of its own: `import { definePlugin } from 'tunekit/plugin'` (TensorFlow-free).
import { definePlugin } from '../../src/plugin-api.js';

interface Options {
  threshold: number;
}

export default definePlugin({
  name: 'loss-alarm',
  version: '1.0.0',
  description: 'records the steps where the training loss jumps',
  options: {
    type: 'object',
    properties: { threshold: { type: 'number', exclusiveMinimum: 0, default: 0.5, description: 'smallest rise of the loss that counts as a jump' } },
    additionalProperties: false,
  },
  setup: (o: Options) => {
    let last: number | null = null;
    let outDir = '.';
    const jumps: { step: number; from: number; to: number }[] = [];
    return {
      trainBegin(info) {
        outDir = info.outputDir;
      },
      stepEnd(m) {
        if (last !== null && m.loss - last > o.threshold) jumps.push({ step: m.step, from: last, to: m.loss });
        last = m.loss;
      },
      trainEnd() {
        writeFileSync(join(outDir, 'loss-alarm.json'), `${JSON.stringify({ threshold: o.threshold, jumps }, null, 2)}\n`);
      },
    };
  },
});
