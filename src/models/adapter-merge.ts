/**
 * Apply a PEFT LoRA adapter folder for inference by merging it into base weights on the host:
 * W += scaling·B@A (`[out, in]`), transposed for GPT-2 Conv1D (`fan_in_fan_out`) layouts, exactly
 * as PEFT's `merge_and_unload`. Training-time LoRA (separate A/B variables) lives in the LoRA plugin.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../diagnostics/index.js';
import { type HostTensor, loadSafetensors } from '../io/safetensors/index.js';
import type { ModelCatalog } from './types.js';

interface LoraConfig {
  r: number;
  alpha: number;
  rslora: boolean;
  rankPattern: Record<string, number>;
  alphaPattern: Record<string, number>;
  bias: string;
}

function readLoraConfig(dir: string): LoraConfig {
  const file = join(dir, 'adapter_config.json');
  if (!existsSync(file)) fail('ADAPTER_CONFIG_INVALID', `no adapter_config.json in ${dir}`, { file, hint: '--adapter takes a PEFT adapter folder' });
  let j: Record<string, unknown>;
  try {
    j = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch (e) {
    fail('ADAPTER_CONFIG_INVALID', `adapter_config.json is not valid JSON: ${(e as Error).message}`, { file });
  }
  if (j['peft_type'] !== 'LORA') fail('ADAPTER_CONFIG_INVALID', 'only LoRA adapters can be applied', { file, path: '/peft_type', expected: '"LORA"', found: JSON.stringify(j['peft_type']) });
  if (j['use_dora'] === true) fail('ADAPTER_CONFIG_INVALID', 'DoRA adapters are not supported yet', { file, path: '/use_dora' });
  const r = j['r'];
  const alpha = j['lora_alpha'];
  if (typeof r !== 'number' || r <= 0) fail('ADAPTER_CONFIG_INVALID', '`r` must be a positive integer', { file, path: '/r', found: JSON.stringify(r) });
  if (typeof alpha !== 'number') fail('ADAPTER_CONFIG_INVALID', '`lora_alpha` must be a number', { file, path: '/lora_alpha', found: JSON.stringify(alpha) });
  return {
    r,
    alpha,
    rslora: j['use_rslora'] === true,
    rankPattern: (j['rank_pattern'] ?? {}) as Record<string, number>,
    alphaPattern: (j['alpha_pattern'] ?? {}) as Record<string, number>,
    bias: typeof j['bias'] === 'string' ? j['bias'] : 'none',
  };
}

/** PEFT's pattern lookup: a key matches a module path when the path ends with `.key` or equals it. */
function patternValue(patterns: Record<string, number>, path: string): number | undefined {
  for (const [k, v] of Object.entries(patterns)) if (new RegExp(`(.*\\.)?${k}$`).test(path)) return v;
  return undefined;
}

/** Merge the adapter in `dir` into `weights` (catalog names), in place. Returns the changed tensor names. */
export async function mergeAdapter(weights: Map<string, HostTensor>, dir: string, catalog: ModelCatalog): Promise<string[]> {
  const cfg = readLoraConfig(dir);
  const file = join(dir, 'adapter_model.safetensors');
  if (!existsSync(file)) fail('ADAPTER_CONFIG_INVALID', `no adapter_model.safetensors in ${dir}`, { file });
  const tensors = await loadSafetensors(file);
  const changed: string[] = [];
  const modules = new Map(catalog.modules.map((m) => [m.path, m]));
  for (const [key, a] of tensors) {
    const mA = /^base_model\.model\.(.+)\.lora_A\.weight$/.exec(key);
    if (!mA) {
      if (/\.lora_B\.(weight|bias)$/.test(key)) continue;
      const mSave = /^base_model\.model\.(.+)$/.exec(key);
      const name = mSave?.[1];
      if (name !== undefined && weights.has(name)) {
        // modules_to_save: the adapter carries a full replacement tensor.
        weights.set(name, a);
        changed.push(name);
        continue;
      }
      fail('ADAPTER_KEY_UNMATCHED', `adapter tensor \`${key}\` matches no module of the base model`, { file, hint: 'embedding LoRA and non-LoRA adapter tensors are not supported' });
    }
    const path = mA[1] as string;
    const mod = modules.get(path);
    const b = tensors.get(`base_model.model.${path}.lora_B.weight`);
    const wName = `${path}.weight`;
    const w = weights.get(wName);
    if (!mod || mod.kind !== 'linear' || !b || !w) fail('ADAPTER_KEY_UNMATCHED', `adapter module \`${path}\` is not a linear module of the base model (or lora_B is missing)`, { file });
    const r = patternValue(cfg.rankPattern, path) ?? cfg.r;
    const alpha = patternValue(cfg.alphaPattern, path) ?? cfg.alpha;
    const scaling = cfg.rslora ? alpha / Math.sqrt(r) : alpha / r;
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
