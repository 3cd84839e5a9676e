/**
 * `chat`: conversations rendered with the chat template (the recipe's `tokenizer.chat_template`, else the
 * tokenizer's). Loss is on assistant turns only unless `train_on_inputs`. Assistant spans are found by
 * rendering prefixes of the conversation: the text between `render(msgs[:i], add_generation_prompt)`
 * and `render(msgs[:i+1])` is turn i's answer (plus its end-of-turn tokens); each boundary is mapped to
 * a token position by tokenizing the text up to it (as Stanford Alpaca measures its source) and keeping
 * the tokens that agree with the whole conversation's.
 */
import { type ChatMessage, type DatasetFormat, type Example, type FormatContext, IGNORE_INDEX, RowError, type Tokenizer, fail } from '../../src/plugin-api.js';
import { MESSAGES_FIELD, ROLES } from './schema.js';
import { type Conversation, readConversation } from './messages.js';

function render(tok: Tokenizer, messages: ChatMessage[], gen: boolean, field: string): string {
  try {
    return tok.applyChatTemplate(messages, { addGenerationPrompt: gen });
  } catch (e) {
    const d = (e as { diagnostics?: { code: string; message: string }[] }).diagnostics?.[0];
    if (d?.code === 'TOKENIZER_CHAT_TEMPLATE_ERROR') throw new RowError({ field, message: `is rejected by the chat template: ${d.message}` });
    throw e;
  }
}

/** Character spans [start, end) of the assistant turns in `full`. */
function assistantSpans(tok: Tokenizer, conv: Conversation, full: string): [number, number][] {
  const spans: [number, number][] = [];
  const notPrefix = (what: string): never =>
    fail('DATA_CHAT_TEMPLATE', `the chat template renders ${what} that is not a prefix of the whole conversation, so assistant turns cannot be located`, {
      hint: 'use a template whose output grows turn by turn (ChatML, Llama-2, Zephyr…), or set train_on_inputs: true for this dataset',
    });
  for (let i = 0; i < conv.messages.length; i++) {
    if (conv.messages[i]!.role !== 'assistant') continue;
    const head = conv.messages.slice(0, i);
    let start = render(tok, head, true, conv.field);
    if (!full.startsWith(start)) {
      start = render(tok, head, false, conv.field);
      if (!full.startsWith(start)) notPrefix(`the turns before message ${i}`);
    }
    const end = render(tok, conv.messages.slice(0, i + 1), false, conv.field);
    if (!full.startsWith(end)) notPrefix(`the conversation up to message ${i}`);
    if (end.length > start.length) spans.push([start.length, end.length]);
  }
  return spans;
}

export const chat: DatasetFormat = {
  name: 'chat',
  description: 'conversations rendered with the chat template; the loss is on assistant turns',
  keys: { messages_field: { schema: MESSAGES_FIELD }, roles: { schema: ROLES } },

  promisesEos() {
    // Chat templates end turns with their own markers (e.g. <|im_end|>), not necessarily EOS.
    return false;
  },

  validateRow(row, ctx) {
    const c = readConversation(row, ctx.dataset['messages_field'] as string | undefined, ctx.dataset['roles'] as Record<string, string> | undefined);
    return 'messages' in c ? null : c;
  },

  toExample(row, ctx: FormatContext): Example {
    const tok = ctx.tokenizer;
    const conv = readConversation(row, ctx.dataset['messages_field'] as string | undefined, ctx.dataset['roles'] as Record<string, string> | undefined) as Conversation;
    const full = render(tok, conv.messages, false, conv.field);
    // transformers' apply_chat_template(tokenize=True) encodes without adding special tokens: the template writes them.
    const input_ids = tok.encode(full, { addSpecialTokens: false });
    if (ctx.dataset.train_on_inputs) return { input_ids, labels: input_ids.slice() };
    const labels = new Array<number>(input_ids.length).fill(IGNORE_INDEX);
    // Tokens of the text before a boundary that agree with the whole conversation's tokens. When a
    // boundary splits what the full text merges (a trailing space before a word), the merged token
    // falls on the later side, so an answer's first token is never lost.
    const tokensUpTo = (chars: number) => {
      const head = tok.encode(full.slice(0, chars), { addSpecialTokens: false });
      let n = 0;
      while (n < head.length && n < input_ids.length && head[n] === input_ids[n]) n++;
      return n;
    };
    for (const [s, e] of assistantSpans(tok, conv, full)) {
      const a = tokensUpTo(s);
      const b = e >= full.length ? input_ids.length : tokensUpTo(e);
      for (let i = a; i < b; i++) labels[i] = input_ids[i]!;
    }
    return { input_ids, labels };
  },
};

