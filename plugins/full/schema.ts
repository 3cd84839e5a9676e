import type { SchemaNode } from '../../src/plugin-api.js';

/** `method.freeze`: parameters kept frozen in a full fine-tune. */
export const FREEZE: SchemaNode = {
  description: 'regexes (full match) of parameter names to keep frozen.',
  type: 'array',
  items: { type: 'string', minLength: 1 },
  default: [],
  examples: [['model\\.embed_tokens\\.weight']],
};
