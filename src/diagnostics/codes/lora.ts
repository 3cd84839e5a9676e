import type { CodeCatalog } from './types.js';

/** Codes of LoRA on embeddings and the output head (plugins/lora, src/models/adapter-merge.ts). */
export const LORA_CODES = {
  LORA_MERGE_TIED: { summary: 'an embedding or LM-head LoRA cannot be merged into a model whose head is tied to its input embedding' },
} as const satisfies CodeCatalog;
