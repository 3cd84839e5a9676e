/**
 * The `alpaca` dataset format as a plugin: Stanford Alpaca instruction / input / output rows, with
 * the recipe keys `template` and `fields`.
 */
import { definePlugin } from '../../src/plugin-api.js';
import { alpaca } from './format.js';

export { ALPACA_TEMPLATE, alpaca } from './format.js';

export default definePlugin({
  name: 'alpaca',
  version: '0.1.0',
  description: 'the `alpaca` dataset format (Stanford Alpaca prompts)',
  recipe: { datasetFormats: [alpaca] },
});
