/**
 * A 4-bit Linear's state-dict entries as bitsandbytes writes them (`Linear4bit._save_to_state_dict`
 * + `QuantState.as_dict(packed=True)`) and reads them back (`QuantState.from_dict`):
 *
 * | key | contents |
 * |---|---|
 * | `<m>.weight` | U8 `[(n+1)//2, 1]` |
 * | `<m>.weight.absmax` | F32 `[nblocks]`, or U8 when nested |
 * | `<m>.weight.quant_map` | F32 `[16]` |
 * | `<m>.weight.nested_absmax` | F32 `[⌈nblocks/256⌉]` (nested only) |
 * | `<m>.weight.nested_quant_map` | F32 `[256]` (nested only) |
 * | `<m>.weight.quant_state.bitsandbytes__<nf4|fp4>` | U8 bytes of `json.dumps({...})` |
 */
import { fail } from '../diagnostics/index.js';
import type { HostTensor } from '../io/safetensors/index.js';
import { pyFloatRepr, pyJsonString } from '../io/py-json.js';
import { ALLOWED_BLOCKSIZES } from './blocksize.js';
import type { QuantType } from './codes.js';
import { numel, type QuantDtype, type QuantState, type Quantized4bit } from './quant-state.js';

const QS_PREFIX = 'quant_state.bitsandbytes__';

/**
 * The packed JSON object, byte for byte as Python's `json.dumps(dict)` (", " / ": " separators,
 * insertion order, `repr` floats): quant_type, blocksize, dtype, shape, then the nested fields.
 */
export function quantStateJson(s: QuantState): string {
  const parts = [
    `"quant_type": ${pyJsonString(s.quantType)}`,
    `"blocksize": ${String(s.blocksize)}`,
    `"dtype": ${pyJsonString(s.dtype)}`,
    `"shape": [${s.shape.map(String).join(', ')}]`,
  ];
  if (s.state2 && s.offset !== undefined) {
    parts.push(`"nested_blocksize": ${String(s.state2.blocksize)}`, `"nested_dtype": "float32"`, `"nested_offset": ${pyFloatRepr(s.offset)}`);
  }
  return `{${parts.join(', ')}}`;
}

/** State-dict entries of one 4-bit weight under `prefix` (e.g. `model.layers.0.self_attn.q_proj.`). */
export function quantizedToTensors(prefix: string, q: Quantized4bit): Map<string, HostTensor> {
  const s = q.state;
  const out = new Map<string, HostTensor>();
  out.set(`${prefix}weight`, { dtype: 'U8', shape: [q.packed.length, 1], data: q.packed });
  const nested = s.state2 !== undefined;
  out.set(`${prefix}weight.absmax`, { dtype: nested ? 'U8' : 'F32', shape: [s.absmax.length], data: s.absmax });
  out.set(`${prefix}weight.quant_map`, { dtype: 'F32', shape: [s.code.length], data: s.code });
  if (s.state2) {
    out.set(`${prefix}weight.nested_absmax`, { dtype: 'F32', shape: [s.state2.absmax.length], data: s.state2.absmax });
    out.set(`${prefix}weight.nested_quant_map`, { dtype: 'F32', shape: [s.state2.code.length], data: s.state2.code });
  }
  const json = new TextEncoder().encode(quantStateJson(s));
  out.set(`${prefix}weight.${QS_PREFIX}${s.quantType}`, { dtype: 'U8', shape: [json.length], data: json });
  return out;
}

/** True when `tensors` holds a bitsandbytes 4-bit weight under `prefix`. */
export function hasQuantizedWeight(tensors: ReadonlyMap<string, HostTensor>, prefix: string): boolean {
  return tensors.has(`${prefix}weight.${QS_PREFIX}nf4`) || tensors.has(`${prefix}weight.${QS_PREFIX}fp4`);
}

function bad(key: string, message: string, expected: string, found: string, file?: string): never {
  fail('QUANT_STATE_INVALID', `${key}: ${message}`, {
    ...(file ? { file } : {}),
    expected,
    found,
    hint: 'the 4-bit checkpoint is damaged or was not written by bitsandbytes (Linear4bit state dict)',
  });
}

function tensor(t: ReadonlyMap<string, HostTensor>, key: string, dtype: 'U8' | 'F32', file?: string): HostTensor {
  const v = t.get(key);
  if (!v) bad(key, 'missing', `a ${dtype} tensor`, 'nothing', file);
  if (v.dtype !== dtype) bad(key, 'wrong dtype', dtype, v.dtype, file);
  return v;
}

function field<T>(obj: Record<string, unknown>, key: string, ok: (v: unknown) => v is T, expected: string, where: string, file?: string): T {
  const v = obj[key];
  if (!ok(v)) bad(where, `field "${key}" is invalid`, expected, JSON.stringify(v) ?? 'undefined', file);
  return v;
}

const isInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v > 0;
const isDtype = (v: unknown): v is QuantDtype => v === 'float32' || v === 'bfloat16' || v === 'float16';

/**
 * Read one 4-bit weight under `prefix` (`QuantState.from_dict`): the stored `quant_map` and
 * `nested_quant_map` are used as they are. `file` names the checkpoint in diagnostics.
 */
export function quantizedFromTensors(tensors: ReadonlyMap<string, HostTensor>, prefix: string, file?: string): Quantized4bit {
  const types = (['nf4', 'fp4'] as const).filter((t) => tensors.has(`${prefix}weight.${QS_PREFIX}${t}`));
  if (types.length !== 1) bad(`${prefix}weight.${QS_PREFIX}*`, 'expected exactly one packed quant_state', 'bitsandbytes__nf4 or bitsandbytes__fp4', types.join(', ') || 'none', file);
  const quantType = types[0] as QuantType;
  const qsKey = `${prefix}weight.${QS_PREFIX}${quantType}`;
  const qsBytes = tensor(tensors, qsKey, 'U8', file).data as Uint8Array;
  let obj: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(qsBytes));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error('not an object');
    obj = parsed as Record<string, unknown>;
  } catch (e) {
    bad(qsKey, `is not a JSON object (${e instanceof Error ? e.message : String(e)})`, 'UTF-8 JSON bytes', `${qsBytes.length} bytes`, file);
  }
  if (obj['quant_type'] !== undefined && obj['quant_type'] !== quantType) bad(qsKey, 'quant_type disagrees with the key', quantType, String(obj['quant_type']), file);
  const blocksize = field(obj, 'blocksize', (v): v is number => isInt(v) && ALLOWED_BLOCKSIZES.includes(v), ALLOWED_BLOCKSIZES.join('|'), qsKey, file);
  const dtype = field(obj, 'dtype', isDtype, 'float32|bfloat16|float16', qsKey, file);
  const shape = field(obj, 'shape', (v): v is number[] => Array.isArray(v) && v.every((d) => Number.isInteger(d) && (d as number) >= 0), 'an array of sizes', qsKey, file);
  const n = numel(shape);
  const nblocks = Math.ceil(n / blocksize);
  const w = tensor(tensors, `${prefix}weight`, 'U8', file);
  if (w.data.length !== (n + 1) >> 1) bad(`${prefix}weight`, 'byte count does not match the shape', String((n + 1) >> 1), String(w.data.length), file);
  const code = tensor(tensors, `${prefix}weight.quant_map`, 'F32', file).data as Float32Array;
  if (code.length !== 16) bad(`${prefix}weight.quant_map`, 'wrong length', '16', String(code.length), file);
  const nested = tensors.has(`${prefix}weight.nested_absmax`);
  const absmaxT = tensor(tensors, `${prefix}weight.absmax`, nested ? 'U8' : 'F32', file);
  if (absmaxT.data.length !== nblocks) bad(`${prefix}weight.absmax`, 'wrong number of blocks', String(nblocks), String(absmaxT.data.length), file);
  const base = { quantType, blocksize, shape, dtype, code };
  if (!nested) return { packed: w.data as Uint8Array, state: { ...base, absmax: absmaxT.data as Float32Array } };
  const nb2 = field(obj, 'nested_blocksize', isInt, 'a positive integer', qsKey, file);
  const offset = field(obj, 'nested_offset', (v): v is number => typeof v === 'number' && Number.isFinite(v), 'a finite number', qsKey, file);
  const absmax2 = tensor(tensors, `${prefix}weight.nested_absmax`, 'F32', file).data as Float32Array;
  if (absmax2.length !== Math.ceil(nblocks / nb2)) bad(`${prefix}weight.nested_absmax`, 'wrong number of blocks', String(Math.ceil(nblocks / nb2)), String(absmax2.length), file);
  const code2 = tensor(tensors, `${prefix}weight.nested_quant_map`, 'F32', file).data as Float32Array;
  if (code2.length !== 256) bad(`${prefix}weight.nested_quant_map`, 'wrong length', '256', String(code2.length), file);
  return {
    packed: w.data as Uint8Array,
    state: { ...base, absmax: absmaxT.data as Uint8Array, offset: Math.fround(offset), state2: { absmax: absmax2, code: code2, blocksize: nb2, dtype: 'float32' } },
  };
}

/**
 * Split a loaded checkpoint into its 4-bit weights (by module path, e.g.
 * `model.layers.0.self_attn.q_proj`) and every other tensor (norms, embeddings, biases, unquantized
 * modules such as `lm_head`), as transformers does when it loads a pre-quantized model.
 */
export function extractQuantizedWeights(tensors: ReadonlyMap<string, HostTensor>, file?: string): { quantized: Map<string, Quantized4bit>; rest: Map<string, HostTensor> } {
  const quantized = new Map<string, Quantized4bit>();
  const owned = new Set<string>();
  for (const key of tensors.keys()) {
    const m = /^(.*)\.weight\.quant_state\.bitsandbytes__(?:nf4|fp4)$/.exec(key);
    if (!m) continue;
    const path = m[1] as string;
    quantized.set(path, quantizedFromTensors(tensors, `${path}.`, file));
    for (const k of quantizedToTensors(`${path}.`, quantized.get(path) as Quantized4bit).keys()) owned.add(k);
  }
  const rest = new Map([...tensors].filter(([k]) => !owned.has(k)));
  return { quantized, rest };
}
