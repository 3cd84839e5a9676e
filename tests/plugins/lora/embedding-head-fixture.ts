/** Shared set-up of the embedding/head LoRA tests: a small untied Llama with a padding_idx, ids, LoRA options. */
import assert from 'node:assert/strict';
import { parseModelConfig, randomModel, type CausalLM } from '../../../src/models/index.js';
import { applyLora, type LoraHandle } from '../../../plugins/lora/apply.js';

/** Untied Llama with a padding_idx (pad_token_id 0), small enough for host loops. */
export const UNTIED = { model_type: 'llama', vocab_size: 96, hidden_size: 32, intermediate_size: 64, num_hidden_layers: 2, num_attention_heads: 4, num_key_value_heads: 2, max_position_embeddings: 64, rms_norm_eps: 1e-6, tie_word_embeddings: false, pad_token_id: 0, bos_token_id: 1, eos_token_id: 2 };
export const IDS = [
  [5, 17, 0, 42, 95, 3],
  [0, 0, 61, 8, 8, 33],
];
export const LABELS = [
  [5, 17, 0, 42, 95, 3],
  [-100, -100, 61, 8, 8, 33],
];
export const R = 4;
export const ALPHA = 8;
export const S = ALPHA / Math.sqrt(R); // rsLoRA
export const TARGETS = ['q_proj', 'v_proj', 'embed_tokens', 'lm_head'];

export function untied(): CausalLM {
  return randomModel(parseModelConfig(UNTIED), { seed: 7 });
}

export function withLora(model: CausalLM, targets: string[] = TARGETS): LoraHandle {
  return applyLora(model, { r: R, alpha: ALPHA, dropout: 0, rslora: true, targetModules: targets, bias: 'none', modulesToSave: [], init: 'default', seed: 3 });
}

export function assertClose(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number, what: string): void {
  assert.equal(got.length, want.length, `${what}: length`);
  for (let i = 0; i < want.length; i++) {
    const g = got[i] as number;
    const w = want[i] as number;
    assert.ok(Math.abs(g - w) <= atol + rtol * Math.abs(w), `${what}[${i}]: ${g} vs ${w}`);
  }
}
