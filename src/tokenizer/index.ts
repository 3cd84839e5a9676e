export { loadTokenizer } from './load.js';
export { HfTokenizer } from './hf-tokenizer.js';
export { renderChatTemplate, resolveChatTemplate } from './chat-template.js';
export type { ChatMessage, ChatTemplateOptions, DecodeOptions, EncodeOptions, Tokenizer, TokenizerOverrides } from './types.js';
