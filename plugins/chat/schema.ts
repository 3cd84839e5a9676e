import type { SchemaNode } from '../../src/plugin-api.js';

/** `messages_field`. */
export const MESSAGES_FIELD: SchemaNode = {
  description: 'the column holding the list of messages. ShareGPT rows (`conversations` with `from`/`value`) are detected automatically.',
  type: 'string',
  minLength: 1,
  default: 'messages',
  examples: ['messages', 'conversations'],
};

/** `roles`. */
export const ROLES: SchemaNode = {
  type: 'object',
  description: 'maps the role names used in the data to `system`, `user` or `assistant`.',
  additionalProperties: { type: 'string', enum: ['system', 'user', 'assistant'] },
  default: { human: 'user', gpt: 'assistant', system: 'system' },
  examples: [{ prompter: 'user', bot: 'assistant' }],
};
