import type { CodeCatalog } from './types.js';

export const TOKENIZER_CODES = {
  TOKENIZER_NOT_FOUND: { summary: 'the tokenizer folder or its tokenizer.json (or vocab.json + merges.txt) is missing' },
  TOKENIZER_CORRUPT: { summary: 'a tokenizer file is not valid JSON or lacks a required part' },
  TOKENIZER_UNSUPPORTED: { summary: 'the tokenizer uses a model, normalizer or processor tunekit cannot run' },
  TOKENIZER_UNKNOWN_TOKEN: { summary: 'a special token named in the recipe or tokenizer_config is not in the vocabulary' },
  TOKENIZER_NO_CHAT_TEMPLATE: { summary: 'a chat dataset needs a chat template, and neither the tokenizer nor the recipe has one' },
  TOKENIZER_CHAT_TEMPLATE_ERROR: { summary: 'the chat template failed to parse or render (or called raise_exception)' },
  TOKENIZER_BAD_ID: { summary: 'a token id is not an integer inside the vocabulary' },
} as const satisfies CodeCatalog;
