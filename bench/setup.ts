/**
 * A bench shape's model, trainable parameters and batch, built one way for bench/measure.ts (the
 * numbers) and bench/profile.ts (where the time goes), so both run the same computation.
 */
import type { ActiveBackend } from '../src/engine/index.js';
import { loadModel, parseModelConfig, randomModel, type CausalLM } from '../src/models/index.js';
import { DenseLinear } from '../src/models/layers/linear.js';
import { quantizeDense } from '../src/models/index.js';
import type { Batch } from '../src/train/batch.js';
import type { Param } from '../src/train/optim/optimizer.js';
import { applyLora } from '../plugins/lora/apply.js';
import { type BenchShape, benchTokens } from './shapes.js';

/** The model of `shape` on `backend` as a user would run it there; `config` overrides the shape's HF config. */
export async function benchModel(shape: BenchShape, backend: ActiveBackend, config: Record<string, unknown> | undefined = shape.config): Promise<{ model: CausalLM; vocab: number; checkpointing: boolean }> {
  const trainable = shape.method === 'full';
  const model = shape.modelDir ? await loadModel(shape.modelDir, { trainable }) : randomModel(parseModelConfig(config), { seed: 1, trainable });
  // Transposed weight copies only help wasm (its transposed matmul copies); SGEMM reads either layout.
  if (backend !== 'wasm') model.setTransposeCache(false);
  // The wasm heap (4 GiB) only holds 100M+ models' activations with layer checkpointing, as a user would run it.
  const checkpointing = backend === 'wasm' && shape.modelDir === undefined && shape.kind === 'train';
  model.setGradientCheckpointing(checkpointing);
  return { model, vocab: model.config.vocabSize, checkpointing };
}

/** QLoRA's quantization and LoRA as the shape says, then the trainable parameters and the batch. */
export function benchTraining(shape: BenchShape, model: CausalLM, vocab: number): { params: Param[]; batch: Batch } {
  if (shape.quant) {
    // The qlora plugin's rule: every dense projection (not the head) becomes a frozen NF4 slot.
    for (const m of model.modules()) {
      const slot = m.kind === 'linear' ? model.linear(m.path) : null;
      if (slot?.impl instanceof DenseLinear) model.replaceLinear(m.path, quantizeDense(slot.impl, { quantType: shape.quant.type, blocksize: shape.quant.blocksize, compressStatistics: shape.quant.doubleQuant }));
    }
  }
  if (shape.lora) applyLora(model, { r: shape.lora.r, alpha: shape.lora.alpha, dropout: 0, rslora: false, targetModules: shape.lora.targets, bias: 'none', modulesToSave: [], init: 'default', seed: 1 });
  const params = model
    .namedParameters()
    .filter(([, p]) => p.trainable)
    .map(([name, p]) => ({ name, variable: p.variable }));
  const ids = benchTokens(shape.batch, shape.seq, vocab);
  return { params, batch: { input_ids: ids, attention_mask: ids.map((r) => r.map(() => 1)), labels: ids } };
}
