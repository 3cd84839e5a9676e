/**
 * TensorBoard scalars written in TypeScript (tfjs-node's writer needs libtensorflow): event files
 * under `<output.dir>/runs/<run name>/` with HF Trainer's tag names.
 */
import { join } from 'node:path';
import { definePlugin } from '../../src/plugin-api.js';
import { EventFileWriter } from './event-file.js';

export default definePlugin({
  name: 'tensorboard',
  version: '0.1.0',
  description: 'TensorBoard event files: train/loss (and train/loss_terms/<name>), train/learning_rate, train/grad_norm, eval/loss, eval/ppl',
  setup: (_options, { recipe }) => {
    if (!recipe.logging.tensorboard) return {};
    let w: EventFileWriter | null = null;
    return {
      trainBegin(info) {
        w = new EventFileWriter(join(info.outputDir, 'runs', info.runName));
      },
      stepEnd(m) {
        const terms = Object.fromEntries(Object.entries(m.lossTerms ?? {}).map(([k, v]) => [`train/loss_terms/${k}`, v]));
        w?.addScalars(m.step, { 'train/loss': m.loss, ...terms, 'train/learning_rate': m.learningRate, 'train/grad_norm': m.gradNorm, 'train/tokens_per_second': m.tokensPerSecond, 'train/epoch': m.epoch });
      },
      evalEnd(m) {
        w?.addScalars(m.step, { 'eval/loss': m.loss, 'eval/ppl': m.perplexity });
      },
    };
  },
});
