import type { CodeCatalog } from './types.js';

export const DATA_CODES = {
  DATA_FILE_NOT_FOUND: { summary: 'a dataset path matches no file' },
  DATA_UNSUPPORTED_FILE: { summary: 'a dataset file has an extension tunekit cannot read' },
  DATA_PARSE_ERROR: { summary: 'a dataset file (or one line of it) is not valid JSON / CSV / Parquet' },
  DATA_UNKNOWN_FORMAT: { summary: 'a dataset names a format no built-in or plugin provides' },
  DATA_BAD_OPTION: { summary: 'a dataset option does not fit its format (unknown key, bad template, bad mapping)' },
  DATA_TEMPLATE_PLACEHOLDER: { summary: 'a prompt template has a placeholder with no matching field' },
  DATA_BAD_ROW: { summary: 'a dataset row lacks a field or has a field of the wrong type' },
  DATA_TOO_LONG: { summary: 'an example is longer than data.sequence_len and truncation is `error`' },
  DATA_NO_TRAINED_TOKENS: { summary: 'an example has every label -100, so it teaches nothing' },
  DATA_EOS_NEVER_TRAINED: { summary: 'the format promises a trained EOS but no example trains it' },
  DATA_EMPTY: { summary: 'a dataset (or the training split) has no examples left' },
  DATA_CHAT_TEMPLATE: { summary: 'the chat template cannot be used to find assistant turns' },
  DATA_HUB_UNAVAILABLE: { summary: 'a Hub dataset was requested but no Hub downloader is available or it failed' },
} as const satisfies CodeCatalog;
