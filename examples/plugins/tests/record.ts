/**
 * A test-only plugin: records every optimizer update the run applied (`afterOptimizerStep`), tensor
 * by tensor, and writes them to `<output.dir>/record.json` when the run ends.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { definePlugin } from 'tunekit/plugin';

interface Options {
  /** Record only tensors whose name contains one of these (default: all). */
  only?: string[];
}

export default definePlugin({
  name: 'record-updates',
  version: '0.0.0',
  options: { type: 'object', properties: { only: { type: 'array', items: { type: 'string' } } }, additionalProperties: false },
  setup: (o: Options) => {
    const steps: { step: number; learningRate: number; applied: Record<string, number[]> }[] = [];
    let outputDir = '';
    return {
      trainBegin(info) {
        outputDir = info.outputDir;
      },
      async afterOptimizerStep(u) {
        const applied: Record<string, number[]> = {};
        for (const [name, t] of u.applied) if (!o.only || o.only.some((s) => name.includes(s))) applied[name] = Array.from(await t.data());
        steps.push({ step: u.step, learningRate: u.learningRate, applied });
      },
      trainEnd() {
        if (outputDir) writeFileSync(join(outputDir, 'record.json'), JSON.stringify({ steps }));
      },
    };
  },
});
