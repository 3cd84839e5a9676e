/**
 * Turning a user's prompt into token ids for `tune generate`: raw text (`none`), the tokenizer's
 * chat template (`chat`), or the prompt of a dataset format that renders one (`alpaca`: the Stanford
 * Alpaca prompt, exactly as that format trains it).
 */
import type { DatasetFormat } from '../data/format.js';
import { fail } from '../diagnostics/index.js';
import type { Tokenizer } from '../tokenizer/index.js';

/** The templates `--template` takes: `none`, `chat`, and every format that renders prompts. */
export function promptTemplates(formats: ReadonlyMap<string, DatasetFormat>): string[] {
  return ['none', 'chat', ...[...formats.values()].filter((f) => f.prompt).map((f) => f.name)];
}

/** The text the model sees for `prompt` under a template (`input`: the format's optional input field). */
export function renderPrompt(template: string, prompt: string, tokenizer: Tokenizer | null, input: string, formats: ReadonlyMap<string, DatasetFormat>): string {
  if (template === 'none') return prompt;
  if (template === 'chat') {
    if (!tokenizer) fail('GENERATE_OPTION_INVALID', '--template chat needs the model folder’s tokenizer');
    return tokenizer.applyChatTemplate([{ role: 'user', content: prompt }], { addGenerationPrompt: true });
  }
  const format = formats.get(template);
  if (!format?.prompt) fail('CLI_USAGE', `--template must be one of ${promptTemplates(formats).join(', ')}`, { found: template });
  return format.prompt({ instruction: prompt, input });
}

/**
 * Token ids of a rendered prompt. Chat templates already contain their special tokens, so BOS is
 * only added for raw and format prompts (as the training data was tokenized).
 */
export function encodePrompt(template: string, text: string, tokenizer: Tokenizer): number[] {
  return tokenizer.encode(text, { addSpecialTokens: template !== 'chat' });
}
