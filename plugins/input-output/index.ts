/** The `input_output` dataset format as a plugin: pre-segmented text (Axolotl input_output). */
import { definePlugin } from '../../src/plugin-api.js';
import { inputOutput } from './format.js';

export { inputOutput } from './format.js';

export default definePlugin({
  name: 'input-output',
  version: '0.1.0',
  description: 'the `input_output` dataset format (labelled segments)',
  recipe: { datasetFormats: [inputOutput] },
});
