import type { CodeCatalog } from './types.js';

export const PLUGIN_CODES = {
  PLUGIN_NOT_FOUND: { summary: 'a plugin named in `plugins:` is neither built in, nor a file, nor an installed package' },
  PLUGIN_LOAD_FAILED: { summary: 'a plugin module threw while loading or does not export a plugin' },
  PLUGIN_INVALID_OPTIONS: { summary: 'a plugin’s options do not match the plugin’s own schema' },
  PLUGIN_DUPLICATE: { summary: 'the same plugin is listed twice' },
  PLUGIN_HOOK_FAILED: { summary: 'a plugin hook threw an unexpected error' },
} as const satisfies CodeCatalog;
