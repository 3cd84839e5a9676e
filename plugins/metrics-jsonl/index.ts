/**
 * Appends every logged step (with its loss terms), evaluation, checkpoint, plugin record (`ctx.record`)
 * and the run's end to `<output.dir>/metrics.jsonl` (with `logging.jsonl`).
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { definePlugin } from '../../src/plugin-api.js';

export default definePlugin({
  name: 'metrics-jsonl',
  version: '0.1.0',
  description: 'Metrics as JSON lines (one object per logged step / eval)',
  setup: (_options, { recipe }) => {
    if (!recipe.logging.jsonl) return {};
    let file: string | null = null;
    const write = (o: object): void => {
      if (file) appendFileSync(file, `${JSON.stringify(o)}\n`);
    };
    return {
      // From the start of the run, so records plugins log while the model is built are kept.
      runBegin(info) {
        mkdirSync(info.outputDir, { recursive: true });
        file = join(info.outputDir, 'metrics.jsonl');
      },
      trainBegin: (info) => write({ type: 'begin', time: new Date().toISOString(), ...info }),
      stepEnd: (m) => write({ type: 'train', ...m }),
      evalEnd: (m) => write({ type: 'eval', ...m }),
      checkpointSaved: (c) => write({ type: 'checkpoint', ...c }),
      trainEnd: (e) => write({ type: 'end', ...e }),
      log: (r) => write({ type: 'log', ...r }),
    };
  },
});
