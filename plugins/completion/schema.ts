import type { SchemaNode } from '../../src/plugin-api.js';

/** `text_field`. */
export const TEXT_FIELD: SchemaNode = {
  description: 'the column holding the text.',
  type: 'string',
  minLength: 1,
  default: 'text',
  examples: ['text', 'content'],
};
