/** Options for {@link Tokenizer.encode}. */
export interface EncodeOptions {
  /** Add the tokenizer's BOS/EOS (or template) special tokens, as transformers does by default. Default true. */
  addSpecialTokens?: boolean;
}

/** Options for {@link Tokenizer.decode}. */
export interface DecodeOptions {
  skipSpecialTokens?: boolean;
  /** Default: `clean_up_tokenization_spaces` from tokenizer_config.json (transformers' default is true). */
  cleanUpTokenizationSpaces?: boolean;
}

/** One chat message as chat templates see it. Extra keys (tool calls, names) pass through. */
export interface ChatMessage {
  role: string;
  content: string;
  [key: string]: unknown;
}

export interface ChatTemplateOptions {
  addGenerationPrompt?: boolean;
  /** Extra variables for the template (e.g. `tools`, `date_string`). */
  extra?: Record<string, unknown>;
}

/**
 * A loaded Hugging Face tokenizer with transformers' special-token behaviour.
 *
 * @example
 * const tok = await loadTokenizer('models/stories260k');
 * tok.encode('Once upon a time'); // [1, 403, 407, 261, 378]  (BOS added)
 */
export interface Tokenizer {
  /** The folder the tokenizer was loaded from. */
  readonly dir: string;
  /** Files that define the tokenizer (hashed by the prepared-data cache). */
  readonly files: readonly string[];
  encode(text: string, opts?: EncodeOptions): number[];
  /** Token strings of `encode` (same options). */
  tokenize(text: string, opts?: EncodeOptions): string[];
  decode(ids: readonly number[], opts?: DecodeOptions): string;
  idToToken(id: number): string | undefined;
  tokenToId(token: string): number | undefined;
  readonly bosToken: string | null;
  readonly bosTokenId: number | null;
  readonly eosToken: string | null;
  readonly eosTokenId: number | null;
  /** Every id that ends generation: `eos_token` plus generation_config.json's `eos_token_id` list. */
  readonly eosTokenIds: readonly number[];
  /** The pad token: the recipe's, else the tokenizer's, else EOS (see {@link padIsEos}). */
  readonly padToken: string | null;
  readonly padTokenId: number | null;
  /** True when the tokenizer has no pad token and EOS stands in (pads are masked by position, not id). */
  readonly padIsEos: boolean;
  readonly unkTokenId: number | null;
  /** Whether `encode` prepends BOS / appends EOS (tokenizer_config / post-processor / recipe override). */
  readonly addBosToken: boolean;
  readonly addEosToken: boolean;
  /** `len(tokenizer)` in transformers: base vocabulary plus added tokens. */
  readonly vocabSize: number;
  readonly specialTokenIds: ReadonlySet<number>;
  readonly chatTemplate: string | null;
  /** Render messages with the chat template (throws TOKENIZER_NO_CHAT_TEMPLATE when there is none). */
  applyChatTemplate(messages: readonly ChatMessage[], opts?: ChatTemplateOptions): string;
}

/** Overrides a recipe's `tokenizer` section applies on top of the files. */
export interface TokenizerOverrides {
  addBos?: boolean | null;
  addEos?: boolean | null;
  padToken?: string | null;
  /**
   * Inline Jinja, or a path to a .jinja file (resolved against `baseDir`); a string counts as inline when
   * it contains `{{`, `{%` or a newline. The tagged forms (what ResolvedRecipe holds) say which it is.
   */
  chatTemplate?: string | { kind: 'inline'; text: string } | { kind: 'file'; path: string } | null;
  baseDir?: string;
}
