/** The `chat` dataset format as a plugin: conversations rendered with the chat template. */
import { definePlugin } from '../../src/plugin-api.js';
import { chat } from './format.js';

export { chat } from './format.js';

export default definePlugin({
  name: 'chat',
  version: '0.1.0',
  description: 'the `chat` dataset format (chat templates)',
  recipe: { datasetFormats: [chat] },
});
