/**
 * Turning a user's prompt into token ids for `tune generate`: raw text, the Stanford Alpaca prompt
 * (as the alpaca dataset format trains it), or the tokenizer's chat template.
 */
import { fail } from '../diagnostics/index.js';
import { ALPACA_TEMPLATE } from '../../plugins/alpaca/index.js';
import type { Tokenizer } from '../tokenizer/index.js';

export const PROMPT_TEMPLATES = ['none', 'alpaca', 'chat'] as const;
export type PromptTemplateName = (typeof PROMPT_TEMPLATES)[number];

/** The text the model sees for `prompt` under a template (`input` is Alpaca's optional input). */
export function renderPrompt(template: PromptTemplateName, prompt: string, tokenizer: Tokenizer | null, input = ''): string {
  switch (template) {
    case 'none':
      return prompt;
    case 'alpaca': {
      const t = input === '' ? ALPACA_TEMPLATE.prompt_no_input : ALPACA_TEMPLATE.prompt_input;
      // One pass, so an instruction that itself contains "{input}" is not substituted again.
      return t.replace(/\{(instruction|input)\}/g, (_, k: string) => (k === 'instruction' ? prompt : input));
    }
    case 'chat':
      if (!tokenizer) fail('GENERATE_OPTION_INVALID', '--template chat needs the model folder’s tokenizer');
      return tokenizer.applyChatTemplate([{ role: 'user', content: prompt }], { addGenerationPrompt: true });
  }
}

/**
 * Token ids of a rendered prompt. Chat templates already contain their special tokens, so BOS is
 * only added for raw and Alpaca prompts (as the training data was tokenized).
 */
export function encodePrompt(template: PromptTemplateName, text: string, tokenizer: Tokenizer): number[] {
  return tokenizer.encode(text, { addSpecialTokens: template !== 'chat' });
}
