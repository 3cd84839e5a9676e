/**
 * The same run on a CUDA GPU with bitsandbytes + PEFT (as the recipes' original runs used), for
 * comparing a plan with published hardware. Same formula as this engine's estimate, with:
 * - frozen dense weights (embeddings, norms, head) in bf16, 2 bytes — QLoRA's reference script keeps
 *   embeddings and the head in bf16 and norms in float32 (norms are negligible);
 * - 4-bit weights as on this engine (packed NF4 + absmax, same bytes);
 * - trainable parameters (LoRA adapters), their gradients in float32, optimizer states as named;
 * - activations in bf16 (2 bytes) — autocast / compute_dtype bfloat16; logits upcast to float32
 *   for the loss as transformers does;
 * - no engine copies (cuBLAS multiplies by Wᵀ in place, nothing is packed, no heap reserve);
 * - eager attention that materializes the [B,H,T,T] scores (HF's MPT/BLOOM have no SDPA path);
 * - per GPU ~1 GiB of CUDA context, cuBLAS workspace and allocator fragmentation.
 * With `device_map: auto` the layers are split across the GPUs, so their memory adds up (one GPU
 * computes at a time).
 *
 * recipes/mpt30b-qlora.yaml (B 4 × T 1024, checkpointing, LoRA r 64 on up/down, paged 8-bit AdamW):
 * | component            | bf16 GPU | this engine (cpu/native) |
 * |----------------------|----------|--------------------------|
 * | 4-bit weights        | 15.27 GB | 15.27 GB (host)          |
 * | embedding + adapters | 1.60 GB  | 2.33 GB (float32)        |
 * | gradients            | 0.88 GB  | 0.88 GB                  |
 * | 8-bit optimizer      | 0.45 GB  | 0.45 GB                  |
 * | activations          | 5.24 GB  | 10.49 GB                 |
 * | logits               | 2.48 GB  | 2.48 GB                  |
 * | engine copies        | —        | 0.82 GB                  |
 * | total                | 25.9 GB  | 32.7 GB (37.4 GB wasm)   |
 * 25.9 GB is more than one 24 GB card and fits the 2 × 24 GB the original run used.
 */
import { estimateTrainingMemory, type MemoryBudget } from './memory.js';
import type { Plan } from './types.js';

export interface GpuReference {
  budget: MemoryBudget;
  gpus: number;
  bytesPerGpu: number;
  /** Bytes per GPU left for tensors after CUDA context and fragmentation. */
  usablePerGpu: number;
  fits: boolean;
  assumptions: string[];
}

const GiB = 2 ** 30;

/** The plan's run on `gpus` GPUs of `bytesPerGpu` each (default 2 × 24 GB, the MPT-30B QLoRA run). */
export function gpuReferenceBudget(plan: Plan, gpus = 2, bytesPerGpu = 24e9): GpuReference {
  const budget = estimateTrainingMemory({ ...plan.memory.inputs, dtypeBytes: { weights: 2, activations: 2 }, engineCopies: null });
  const usablePerGpu = bytesPerGpu - GiB;
  return {
    budget,
    gpus,
    bytesPerGpu,
    usablePerGpu,
    fits: budget.total <= gpus * usablePerGpu,
    assumptions: [
      'frozen dense weights bf16; 4-bit weights packed as on this engine; adapters, gradients float32',
      'activations bf16, logits float32, eager attention scores materialized',
      `layers split over ${gpus} GPUs (device_map auto); ~1 GiB per GPU for CUDA context and fragmentation`,
    ],
  };
}
