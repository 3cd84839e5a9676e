/** The `tokenized` dataset format as a plugin: rows of token ids. */
import { definePlugin } from '../../src/plugin-api.js';
import { tokenized } from './format.js';

export { tokenized } from './format.js';

export default definePlugin({
  name: 'tokenized',
  version: '0.1.0',
  description: 'the `tokenized` dataset format (pre-tokenized rows)',
  recipe: { datasetFormats: [tokenized] },
});
