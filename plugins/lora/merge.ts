import { type CausalLM, DenseLinear, type LinearImpl, LmHead, Nf4Linear, Parameter, dequantizedInLayout, fail, tf } from '../../src/index.js';
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
 * Refuse to merge an embedding or head adapter into a tied model. PEFT 0.12 merges in place into
 * `base_layer.weight`, which for a tied head IS the input embedding (and vice versa), so its merged
 * model changes both ends and no longer computes what the adapter model computed; we refuse instead.
 */
export function assertMergeableTied(model: CausalLM, targets: readonly string[]): void {
  const head = model.modules().find((m) => m.kind === 'lm_head');
  if (head?.tiedTo === undefined) return;
  const hit = targets.filter((p) => p === head.path || p === head.tiedTo);
  if (!hit.length) return;
  fail('LORA_MERGE_TIED', `cannot merge LoRA on ${hit.join(', ')}: this ${model.config.modelType} model ties \`${head.path}\` to \`${head.tiedTo}\``, {
    hint: 'export the adapter only (`output.export: [adapter]`) and load it with PEFT; merging into the shared matrix (as PEFT does) would change both the input embedding and the head',
  });
}

/**
 * Fold every adapter into its base weight, as PEFT's `merge_and_unload`: linears and an untied head
 * W += scaling·B@A (transposed for Conv1D), embeddings W += (B@A)ᵀ·scaling, and put the plain layers
 * back. Returns the names of the changed base weights. Refuses embedding/head LoRA on tied models.
 */
export function mergeLora(model: CausalLM, lora: LoraHandle): string[] {
  assertMergeableTied(model, [...lora.embeddings.keys(), ...(lora.head ? [model.headSlot().path] : [])]);
  const changed: string[] = [];
  const addInto = (weight: Parameter, delta: tf.Tensor): void => {
    const merged = tf.tidy(() => tf.add(weight.value, delta));
    delta.dispose();
    weight.assign(merged);
    merged.dispose();
  };
  for (const [path, layer] of lora.layers) {
    const slot = model.linear(path);
    const shape = slot.layout === 'conv1d' ? [slot.inFeatures, slot.outFeatures] : [slot.outFeatures, slot.inFeatures];
    const base = denseBase(layer.base, path, slot.layout, shape);
    addInto(base.weight, layer.deltaWeight());
    model.replaceLinear(path, base);
    layer.dispose();
    // A 4-bit base was replaced by its dequantized copy.
    if (base !== layer.base) layer.base.dispose();
    changed.push(`${path}.weight`);
  }
  lora.layers.clear();
  if (lora.head) {
    const base = lora.head.base;
    if (!(base instanceof LmHead)) throw new Error(`internal: cannot merge into a ${base.kind} head`);
    addInto(base.weight, lora.head.deltaWeight());
    model.replaceHead(base);
    lora.head.dispose();
    changed.push(base.weight.name);
    lora.head = null;
  }
  for (const [path, emb] of lora.embeddings) {
    const weight = model.namedParameters().find(([n]) => n === `${path}.weight`)?.[1];
    if (!weight) throw new Error(`internal: no parameter ${path}.weight`);
    addInto(weight, emb.deltaWeight());
    model.setEmbeddingAdapter(path, null);
    emb.dispose();
    changed.push(`${path}.weight`);
  }
  lora.embeddings.clear();
  return changed;
}
