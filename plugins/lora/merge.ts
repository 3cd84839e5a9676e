import { tf } from '../../src/engine/index.js';
import type { CausalLM } from '../../src/models/causal-lm.js';
import type { LoraHandle } from './apply.js';

/**
 * Fold every adapter into its base weight (W += scaling·B@A, transposed for Conv1D) and put the plain
 * base layer back, as PEFT's `merge_and_unload`. Returns the names of the changed base weights.
 */
export function mergeLora(model: CausalLM, lora: LoraHandle): string[] {
  const changed: string[] = [];
  for (const [path, layer] of lora.layers) {
    const base = layer.base;
    const weight = base.parameters().find(([n]) => n === 'weight')?.[1];
    if (!weight) throw new Error(`internal: ${path} has no base weight to merge into`);
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
