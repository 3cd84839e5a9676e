/**
 * The first-party dataset formats by name. The plugin layer wraps these same objects for the
 * dataset-format hook; this map is what the data pipeline uses when no plugin driver is involved.
 */
import { alpaca } from '../../plugins/alpaca/index.js';
import { chat } from '../../plugins/chat/index.js';
import { completion } from '../../plugins/completion/index.js';
import { inputOutput } from '../../plugins/input-output/index.js';
import { tokenized } from '../../plugins/tokenized/index.js';
import type { DatasetFormat } from './format.js';

export function builtinFormats(): Map<string, DatasetFormat> {
  return new Map<string, DatasetFormat>([alpaca, completion, chat, inputOutput, tokenized].map((f) => [f.name, f]));
}
