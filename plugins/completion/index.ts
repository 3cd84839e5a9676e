/** The `completion` dataset format as a plugin: plain text cut into blocks (run_clm `group_texts`). */
import { definePlugin } from '../../src/plugin-api.js';
import { completion } from './format.js';

export { completion } from './format.js';

export default definePlugin({
  name: 'completion',
  version: '0.1.0',
  description: 'the `completion` dataset format (pretraining text)',
  recipe: { datasetFormats: [completion] },
});
