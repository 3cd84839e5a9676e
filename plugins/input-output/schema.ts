import type { SchemaNode } from '../../src/plugin-api.js';

/** `segments_field`. */
export const SEGMENTS_FIELD: SchemaNode = {
  description: 'the column holding `[{text, label}]` segments; segments with `label: false` are not trained on.',
  type: 'string',
  minLength: 1,
  default: 'segments',
  examples: ['segments'],
};
