import type { CodeCatalog } from './types.js';

export const CLI_CODES = {
  CLI_UNKNOWN_COMMAND: { summary: 'the command is not one of tune’s commands' },
  CLI_USAGE: { summary: 'a flag or argument is missing, unknown or malformed' },
  INTERNAL: { summary: 'an unexpected internal error (a bug in tunekit: please report it)' },
} as const satisfies CodeCatalog;
