import { tf } from '../../src/engine/index.js';
import type { CausalLM } from '../../src/models/causal-lm.js';
import { DenseLinear, type LinearImpl } from '../../src/models/layers/linear.js';
import { Parameter } from '../../src/models/layers/parameter.js';
import { Nf4Linear } from '../../src/quant/nf4-linear.js';
import { dequantizedInLayout } from '../../src/quant/quantize-linear.js';
import type { LoraHandle } from './apply.js';

/** A dense base for merging: quantized (QLoRA) bases are dequantized first, as PEFT does. */
function denseBase(base: LinearImpl, path: string, layout: DenseLinear['layout'], shape: number[]): DenseLinear {
  if (base instanceof DenseLinear) return base;
  if (base instanceof Nf4Linear) {
    const w = new Parameter(`${path}.weight`, tf.tensor(dequantizedInLayout(base, layout), shape), false);
    const bias = base.bias;
    return new DenseLinear(layout, w, bias);
  }
  throw new Error(`internal: cannot merge into a ${base.kind} layer at ${path}`);
}

/**
 * Fold every adapter into its base weight (W += scaling·B@A, transposed for Conv1D) and put the plain
 * base layer back, as PEFT's `merge_and_unload`. Returns the names of the changed base weights.
 */
export function mergeLora(model: CausalLM, lora: LoraHandle): string[] {
  const changed: string[] = [];
  for (const [path, layer] of lora.layers) {
    const slot = model.linear(path);
    const shape = slot.layout === 'conv1d' ? [slot.inFeatures, slot.outFeatures] : [slot.outFeatures, slot.inFeatures];
    const base = denseBase(layer.base, path, slot.layout, shape);
    const weight = base.weight;
    const merged = tf.tidy(() => {
      const delta = layer.deltaWeight();
      return tf.add(weight.value, delta);
    });
    weight.assign(merged);
    merged.dispose();
    model.replaceLinear(path, base);
    layer.dispose();
    changed.push(`${path}.weight`);
  }
  lora.layers.clear();
  return changed;
}
