/**
 * The standard benchmark shapes, shared by bench/run.ts (tunekit) and, as JSON, by
 * bench/torch_reference.py (PyTorch), so both sides run the identical computation.
 */

/** One benchmark case. `config` is an HF config.json body (random init), or `model` a folder. */
export interface BenchShape {
  id: string;
  title: string;
  kind: 'train' | 'generate';
  /** HF config for a randomly initialised model (seed 1). */
  config?: Record<string, unknown>;
  /** Or an HF model folder (the tiny default recipe's model). */
  modelDir?: string;
  method: 'lora' | 'full';
  lora?: { r: number; alpha: number; targets: string[] };
  /** QLoRA: the projections inside the layers quantized to NF4 before LoRA (the qlora plugin's rule). */
  quant?: { type: 'nf4'; blocksize: number; doubleQuant: boolean };
  batch: number;
  seq: number;
  /** Timed steps after one untimed warm-up step (generation: new tokens). */
  steps: number;
  /** Backends this case is too slow for (pure JS cpu on 100M+ models). */
  skip?: string[];
  /** Only run when named with --shapes (long or memory-hungry). */
  optIn?: boolean;
}

const GPT2_SMALL = { model_type: 'gpt2', vocab_size: 50257, n_positions: 1024, n_embd: 768, n_layer: 12, n_head: 12 };
const LLAMA_300M = {
  model_type: 'llama',
  vocab_size: 32000,
  hidden_size: 1024,
  intermediate_size: 2816,
  num_hidden_layers: 20,
  num_attention_heads: 16,
  num_key_value_heads: 16,
  max_position_embeddings: 2048,
  rms_norm_eps: 1e-5,
  tie_word_embeddings: false,
};

export const SHAPES: readonly BenchShape[] = [
  {
    id: 'tiny-lora',
    title: 'tiny default (stories260k LoRA r8 q,k,v,o; batch 8 × 256)',
    kind: 'train',
    modelDir: 'models/stories260k',
    method: 'lora',
    lora: { r: 8, alpha: 16, targets: ['q_proj', 'k_proj', 'v_proj', 'o_proj'] },
    batch: 8,
    seq: 256,
    steps: 5,
  },
  {
    id: 'gpt2-lora',
    title: 'GPT-2 small 124M, LoRA r8 on c_attn; batch 1 × 256',
    kind: 'train',
    config: GPT2_SMALL,
    method: 'lora',
    lora: { r: 8, alpha: 16, targets: ['c_attn'] },
    batch: 1,
    seq: 256,
    steps: 3,
    skip: ['cpu'],
  },
  {
    id: 'gpt2-full',
    title: 'GPT-2 small 124M, full fine-tuning (AdamW); batch 1 × 256',
    kind: 'train',
    config: GPT2_SMALL,
    method: 'full',
    batch: 1,
    seq: 256,
    steps: 2,
    skip: ['cpu'],
  },
  {
    id: 'llama-300m-lora',
    title: 'Llama-shaped 323M, LoRA r8 on q_proj,v_proj; batch 1 × 256',
    kind: 'train',
    config: LLAMA_300M,
    method: 'lora',
    lora: { r: 8, alpha: 16, targets: ['q_proj', 'v_proj'] },
    batch: 1,
    seq: 256,
    steps: 2,
    skip: ['cpu'],
  },
  {
    id: 'llama-300m-qlora',
    title: 'Llama-shaped 323M, QLoRA (NF4 + double quant base) LoRA r8 on q_proj,v_proj; batch 1 × 256',
    kind: 'train',
    config: LLAMA_300M,
    method: 'lora',
    lora: { r: 8, alpha: 16, targets: ['q_proj', 'v_proj'] },
    quant: { type: 'nf4', blocksize: 64, doubleQuant: true },
    batch: 1,
    seq: 256,
    steps: 2,
    skip: ['cpu'],
  },
  {
    id: 'gpt2-generate',
    title: 'GPT-2 small 124M generation, greedy with KV cache (16-token prompt)',
    kind: 'generate',
    config: GPT2_SMALL,
    method: 'full',
    batch: 1,
    seq: 16,
    steps: 32,
    skip: ['cpu'],
  },
  {
    id: 'llama-1b-lora',
    title: 'Llama-shaped 1.1B (TinyLlama config), LoRA r8 on q_proj,v_proj; batch 1 × 256 — does it start and train?',
    kind: 'train',
    config: {
      model_type: 'llama',
      vocab_size: 32000,
      hidden_size: 2048,
      intermediate_size: 5632,
      num_hidden_layers: 22,
      num_attention_heads: 32,
      num_key_value_heads: 4,
      max_position_embeddings: 2048,
      rms_norm_eps: 1e-5,
      tie_word_embeddings: false,
    },
    method: 'lora',
    lora: { r: 8, alpha: 16, targets: ['q_proj', 'v_proj'] },
    batch: 1,
    seq: 256,
    steps: 1,
    skip: ['cpu', 'wasm'],
    optIn: true,
  },
];

/** Deterministic token ids for a case (same formula in torch_reference.py). */
export function benchTokens(batch: number, seq: number, vocab: number): number[][] {
  return Array.from({ length: batch }, (_, b) => Array.from({ length: seq }, (_, t) => (b * 7919 + t * 104729 + 13) % vocab));
}
