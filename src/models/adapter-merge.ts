/**
 * Apply a PEFT LoRA adapter folder for inference by merging it into base weights on the host:
 * W += scaling·B@A (`[out, in]`), transposed for GPT-2 Conv1D (`fan_in_fan_out`) layouts, and for
 * embedding LoRA W += (B@A)ᵀ·scaling (`lora_embedding_A [r, V]`, `lora_embedding_B [d, r]`), exactly
 * as PEFT's `merge_and_unload`. Embedding/head LoRA on a tied model is refused (see LORA_MERGE_TIED). Training-time LoRA (separate A/B variables) lives in the LoRA plugin.
 */
import { join } from 'node:path';
import { fail } from '../diagnostics/index.js';
import { readLoraAdapter } from '../io/peft/index.js';
import type { HostTensor } from '../io/safetensors/index.js';
import type { ModelCatalog } from './types.js';

/** PEFT's pattern lookup: a key matches a module path when the path ends with `.key` or equals it. */
function patternValue(patterns: Record<string, number>, path: string): number | undefined {
  for (const [k, v] of Object.entries(patterns)) if (new RegExp(`(.*\\.)?${k}$`).test(path)) return v;
  return undefined;
}

/** Refuse embedding/head LoRA on tied weights: PEFT would merge into the shared matrix, changing both ends. */
function refuseTied(catalog: ModelCatalog, path: string, file: string): void {
  const head = catalog.modules.find((m) => m.kind === 'lm_head');
  if (head?.tiedTo === undefined || (path !== head.path && path !== head.tiedTo)) return;
  fail('LORA_MERGE_TIED', `cannot merge the LoRA on \`${path}\`: this ${catalog.modelType} model ties \`${head.path}\` to \`${head.tiedTo}\``, {
    file,
    hint: 'load this adapter with PEFT instead; merging into the shared matrix (as PEFT does) would change both the input embedding and the head',
  });
}

/** W[v, j] += scaling · Σ_k B[j, k]·A[k, v] for embedding LoRA; returns the merged tensor. */
function mergeEmbedding(w: HostTensor, a: HostTensor, b: HostTensor, scaling: number): HostTensor {
  const [r, V] = a.shape as [number, number];
  const d = b.shape[0] as number;
  const A = a.data as Float32Array;
  const B = b.data as Float32Array;
  const W = Float32Array.from(w.data as Float32Array);
  for (let v = 0; v < V; v++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < r; k++) s += (B[j * r + k] as number) * (A[k * V + v] as number);
      W[v * d + j] = Math.fround((W[v * d + j] as number) + Math.fround(Math.fround(s) * scaling));
    }
  }
  return { dtype: 'F32', shape: [...w.shape], data: W };
}

/** Merge the adapter in `dir` into `weights` (catalog names), in place. Returns the changed tensor names. */
export async function mergeAdapter(weights: Map<string, HostTensor>, dir: string, catalog: ModelCatalog): Promise<string[]> {
  // The PEFT reader validates the folder (config, LoRA type, weights file, key pairing).
  const adapter = await readLoraAdapter(dir);
  const c = adapter.config;
  if (c.useDora) fail('ADAPTER_CONFIG_INVALID', 'DoRA adapters are not supported yet', { file: join(dir, 'adapter_config.json'), path: '/use_dora' });
  const cfg = { r: c.r, alpha: c.loraAlpha, rslora: c.useRslora, rankPattern: c.rankPattern, alphaPattern: c.alphaPattern };
  const file = join(dir, 'adapter_model.safetensors');
  const tensors = adapter.tensors;
  const changed: string[] = [];
  const modules = new Map(catalog.modules.map((m) => [m.path, m]));
  const scalingOf = (path: string): { r: number; scaling: number } => {
    const r = patternValue(cfg.rankPattern, path) ?? cfg.r;
    const alpha = patternValue(cfg.alphaPattern, path) ?? cfg.alpha;
    return { r, scaling: cfg.rslora ? alpha / Math.sqrt(r) : alpha / r };
  };
  for (const [key, a] of tensors) {
    const mE = /^base_model\.model\.(.+)\.lora_embedding_A$/.exec(key);
    if (mE) {
      const path = mE[1] as string;
      const mod = modules.get(path);
      const b = tensors.get(`base_model.model.${path}.lora_embedding_B`);
      const w = weights.get(`${path}.weight`);
      if (!mod || mod.kind !== 'embedding' || !b || !w) fail('ADAPTER_KEY_UNMATCHED', `adapter module \`${path}\` is not an embedding of the base model (or lora_embedding_B is missing)`, { file });
      refuseTied(catalog, path, file);
      const { r, scaling } = scalingOf(path);
      if (a.shape[0] !== r || a.shape[1] !== mod.inFeatures || b.shape[0] !== mod.outFeatures || b.shape[1] !== r) {
        fail('ADAPTER_KEY_UNMATCHED', `embedding LoRA shapes of \`${path}\` do not fit the base module`, { file, expected: `A [${r}, ${mod.inFeatures}], B [${mod.outFeatures}, ${r}]`, found: `A [${a.shape.join(', ')}], B [${b.shape.join(', ')}]` });
      }
      weights.set(`${path}.weight`, mergeEmbedding(w, a, b, scaling));
      changed.push(`${path}.weight`);
      continue;
    }
    const mA = /^base_model\.model\.(.+)\.lora_A\.weight$/.exec(key);
    if (!mA) {
      if (/\.lora_B\.(weight|bias)$/.test(key) || /\.lora_embedding_B$/.test(key)) continue;
      const mSave = /^base_model\.model\.(.+)$/.exec(key);
      const name = mSave?.[1];
      if (name !== undefined && weights.has(name)) {
        // modules_to_save: the adapter carries a full replacement tensor.
        weights.set(name, a);
        changed.push(name);
        continue;
      }
      fail('ADAPTER_KEY_UNMATCHED', `adapter tensor \`${key}\` matches no module of the base model`, { file, hint: 'the adapter was trained on another base model, or holds tensors other than LoRA and modules_to_save' });
    }
    const path = mA[1] as string;
    const mod = modules.get(path);
    if (mod?.kind === 'lm_head') refuseTied(catalog, path, file);
    const b = tensors.get(`base_model.model.${path}.lora_B.weight`);
    const wName = `${path}.weight`;
    const w = weights.get(wName);
    if (!mod || (mod.kind !== 'linear' && mod.kind !== 'lm_head') || !b || !w) fail('ADAPTER_KEY_UNMATCHED', `adapter module \`${path}\` is not a linear module of the base model (or lora_B is missing)`, { file });
    const { r, scaling } = scalingOf(path);
    const nIn = mod.inFeatures;
    const nOut = mod.outFeatures;
    if (a.shape[0] !== r || a.shape[1] !== nIn || b.shape[0] !== nOut || b.shape[1] !== r) {
      fail('ADAPTER_KEY_UNMATCHED', `LoRA shapes of \`${path}\` do not fit the base module`, { file, expected: `A [${r}, ${nIn}], B [${nOut}, ${r}]`, found: `A [${a.shape.join(', ')}], B [${b.shape.join(', ')}]` });
    }
    const A = a.data as Float32Array;
    const B = b.data as Float32Array;
    const W = Float32Array.from(w.data as Float32Array);
    const conv = mod.layout === 'conv1d';
    for (let o = 0; o < nOut; o++) {
      for (let i = 0; i < nIn; i++) {
        let s = 0;
        for (let k = 0; k < r; k++) s += (B[o * r + k] as number) * (A[k * nIn + i] as number);
        const delta = Math.fround(Math.fround(s) * scaling);
        const idx = conv ? i * nOut + o : o * nIn + i;
        W[idx] = Math.fround((W[idx] as number) + delta);
      }
    }
    weights.set(wName, { dtype: 'F32', shape: [...w.shape], data: W });
    changed.push(wName);
    const lb = tensors.get(`base_model.model.${path}.lora_B.bias`);
    const bName = `${path}.bias`;
    const bias = weights.get(bName);
    if (lb && bias) {
      const out = Float32Array.from(bias.data as Float32Array);
      (lb.data as Float32Array).forEach((v, i) => (out[i] = Math.fround((out[i] as number) + v * scaling)));
      weights.set(bName, { dtype: 'F32', shape: [...bias.shape], data: out });
      changed.push(bName);
    }
  }
  return changed.sort();
}
