import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { Template } from '@huggingface/jinja';
import { fail } from '../diagnostics/index.js';
import type { ChatMessage, ChatTemplateOptions, TokenizerOverrides } from './types.js';

/** True when a recipe's `chat_template` value is Jinja source rather than a file path. */
export function looksInline(value: string): boolean {
  return value.includes('{{') || value.includes('{%') || value.includes('\n');
}

/**
 * Pick the chat template as transformers does, with the recipe's choice first:
 * recipe (inline or .jinja path) → `chat_template.jinja` in the folder → tokenizer_config
 * `chat_template` (a string, or a list of named templates where `default` wins).
 */
export function resolveChatTemplate(dir: string, config: Record<string, unknown>, override?: TokenizerOverrides['chatTemplate'], baseDir?: string): string | null {
  if (override) {
    if (typeof override === 'object' && override.kind === 'inline') return override.text;
    if (typeof override === 'string' && looksInline(override)) return override;
    const path = typeof override === 'string' ? override : override.path;
    const file = isAbsolute(path) ? path : resolve(baseDir ?? process.cwd(), path);
    if (!existsSync(file)) {
      fail('TOKENIZER_NOT_FOUND', `chat template file ${file} does not exist`, {
        file: path,
        hint: 'tokenizer.chat_template is inline Jinja or a path to a .jinja file (relative to the recipe)',
      });
    }
    return readFileSync(file, 'utf8');
  }
  const jinjaFile = join(dir, 'chat_template.jinja');
  if (existsSync(jinjaFile)) return readFileSync(jinjaFile, 'utf8');
  const ct = config['chat_template'];
  if (typeof ct === 'string') return ct;
  if (Array.isArray(ct)) {
    const named = ct as { name?: unknown; template?: unknown }[];
    const def = named.find((t) => t.name === 'default') ?? named[0];
    if (def && typeof def.template === 'string') return def.template;
  }
  return null;
}

/** Special-token strings a chat template may reference. */
export interface TemplateTokens {
  bos_token: string | null;
  eos_token: string | null;
  pad_token: string | null;
  unk_token: string | null;
}

const parsed = new Map<string, Template>();

/** Render a chat template; parse and render errors (and `raise_exception`) become diagnostics. */
export function renderChatTemplate(
  source: string,
  messages: readonly ChatMessage[],
  tokens: TemplateTokens,
  opts: ChatTemplateOptions = {},
): string {
  let template = parsed.get(source);
  if (!template) {
    try {
      template = new Template(source);
    } catch (e) {
      fail('TOKENIZER_CHAT_TEMPLATE_ERROR', `the chat template does not parse: ${(e as Error).message}`, {
        hint: 'check the Jinja syntax of tokenizer.chat_template (or the tokenizer’s chat_template)',
      });
    }
    parsed.set(source, template);
  }
  try {
    return template.render({
      ...opts.extra,
      messages: messages.map((m) => ({ ...m })),
      ...tokens,
      add_generation_prompt: opts.addGenerationPrompt ?? false,
    });
  } catch (e) {
    // @huggingface/jinja's built-in raise_exception throws a plain Error with the template's message.
    fail('TOKENIZER_CHAT_TEMPLATE_ERROR', `the chat template failed to render: ${(e as Error).message}`, {
      hint: 'the conversation may not fit what the template accepts (often roles that do not alternate user/assistant)',
    });
  }
}
