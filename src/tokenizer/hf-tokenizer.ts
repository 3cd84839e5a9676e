import { Tokenizer as LibTokenizer } from '@huggingface/tokenizers';
import { fail } from '../diagnostics/index.js';
import { renderChatTemplate } from './chat-template.js';
import type { SpecialTemplate } from './special-tokens.js';
import type { ChatMessage, ChatTemplateOptions, DecodeOptions, EncodeOptions, Tokenizer } from './types.js';

/** Everything {@link HfTokenizer} needs, resolved by `loadTokenizer`. */
export interface HfTokenizerInit {
  dir: string;
  files: string[];
  lib: LibTokenizer;
  template: SpecialTemplate & { addBos: boolean; addEos: boolean };
  tokens: { bos: string | null; eos: string | null; pad: string | null; unk: string | null };
  extraEosIds: number[];
  padFromEos: boolean;
  chatTemplate: string | null;
  cleanUpSpaces: boolean;
}

/**
 * A tokenizer.json tokenizer run by @huggingface/tokenizers, with the special tokens added here
 * (the library only knows the post-processor; transformers also honours `add_bos_token` etc.).
 */
export class HfTokenizer implements Tokenizer {
  readonly dir: string;
  readonly files: readonly string[];
  readonly bosToken: string | null;
  readonly bosTokenId: number | null;
  readonly eosToken: string | null;
  readonly eosTokenId: number | null;
  readonly eosTokenIds: readonly number[];
  readonly padToken: string | null;
  readonly padTokenId: number | null;
  readonly padIsEos: boolean;
  readonly unkTokenId: number | null;
  readonly addBosToken: boolean;
  readonly addEosToken: boolean;
  readonly vocabSize: number;
  readonly specialTokenIds: ReadonlySet<number>;
  readonly chatTemplate: string | null;
  readonly #lib: LibTokenizer;
  readonly #prefix: number[];
  readonly #suffix: number[];
  readonly #cleanUp: boolean;

  constructor(init: HfTokenizerInit) {
    this.dir = init.dir;
    this.files = init.files;
    this.#lib = init.lib;
    this.#prefix = init.template.prefix;
    this.#suffix = init.template.suffix;
    this.#cleanUp = init.cleanUpSpaces;
    const id = (t: string | null): number | null => (t === null ? null : (init.lib.token_to_id(t) ?? null));
    this.bosToken = init.tokens.bos;
    this.bosTokenId = id(init.tokens.bos);
    this.eosToken = init.tokens.eos;
    this.eosTokenId = id(init.tokens.eos);
    const eosIds = this.eosTokenId === null ? [] : [this.eosTokenId];
    for (const e of init.extraEosIds) if (!eosIds.includes(e)) eosIds.push(e);
    this.eosTokenIds = eosIds;
    this.padToken = init.tokens.pad;
    this.padTokenId = id(init.tokens.pad);
    this.padIsEos = init.padFromEos;
    this.unkTokenId = id(init.tokens.unk);
    this.addBosToken = init.template.addBos;
    this.addEosToken = init.template.addEos;
    this.vocabSize = init.lib.get_vocab(true).size;
    this.specialTokenIds = new Set(init.lib.get_added_tokens_decoder().keys());
    this.chatTemplate = init.chatTemplate;
  }

  encode(text: string, opts: EncodeOptions = {}): number[] {
    const ids = text.length === 0 ? [] : this.#lib.encode(text, { add_special_tokens: false }).ids;
    if (opts.addSpecialTokens === false) return ids;
    return this.#prefix.length || this.#suffix.length ? [...this.#prefix, ...ids, ...this.#suffix] : ids;
  }

  tokenize(text: string, opts: EncodeOptions = {}): string[] {
    return this.encode(text, opts).map((i) => this.#lib.id_to_token(i) ?? '');
  }

  decode(ids: readonly number[], opts: DecodeOptions = {}): string {
    for (const i of ids) {
      if (!Number.isInteger(i) || i < 0 || i >= this.vocabSize) {
        fail('TOKENIZER_BAD_ID', `token id ${i} is not in the vocabulary`, {
          expected: `an integer in [0, ${this.vocabSize})`,
          found: String(i),
        });
      }
    }
    if (ids.length === 0) return '';
    return this.#lib.decode([...ids], {
      skip_special_tokens: opts.skipSpecialTokens ?? false,
      clean_up_tokenization_spaces: opts.cleanUpTokenizationSpaces ?? this.#cleanUp,
    });
  }

  idToToken(id: number): string | undefined {
    return this.#lib.id_to_token(id);
  }

  tokenToId(token: string): number | undefined {
    return this.#lib.token_to_id(token);
  }

  applyChatTemplate(messages: readonly ChatMessage[], opts: ChatTemplateOptions = {}): string {
    if (this.chatTemplate === null) {
      fail('TOKENIZER_NO_CHAT_TEMPLATE', `the tokenizer in ${this.dir} has no chat template`, {
        hint: 'set tokenizer.chat_template in the recipe (inline Jinja or a .jinja file), e.g. a ChatML template',
      });
    }
    return renderChatTemplate(
      this.chatTemplate,
      messages,
      { bos_token: this.bosToken, eos_token: this.eosToken, pad_token: this.padToken, unk_token: this.idToken(this.unkTokenId) },
      opts,
    );
  }

  private idToken(id: number | null): string | null {
    return id === null ? null : (this.#lib.id_to_token(id) ?? null);
  }
}
