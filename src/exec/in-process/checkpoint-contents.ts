/**
 * What the in-process runner keeps in a checkpoint folder beside trainer_state.json: the trainable
 * weights (`trainable.safetensors`), the optimizer state (`optimizer.safetensors`: float32 slots,
 * uint8 codes of 8-bit optimizers) and the files method plugins add (a PEFT adapter).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type HostTensor, loadSafetensors, saveSafetensors } from '../../io/safetensors/index.js';
import type { OptimizerState } from '../../train/optim/optimizer.js';

export const WEIGHTS_FILE = 'trainable.safetensors';
export const OPTIMIZER_FILE = 'optimizer.safetensors';

export interface CheckpointContents {
  weights: Map<string, HostTensor>;
  optimizer: OptimizerState;
  /** Extra files (name → contents), e.g. adapter_config.json + adapter_model.safetensors. */
  extraFiles?: Map<string, string | Uint8Array>;
}

/** Write the contents into a (temporary) checkpoint folder. */
export async function writeContents(dir: string, c: CheckpointContents): Promise<void> {
  await saveSafetensors(join(dir, WEIGHTS_FILE), c.weights);
  const opt = new Map<string, HostTensor>();
  for (const [k, v] of c.optimizer.slots) opt.set(k, { dtype: 'F32', shape: v.shape, data: v.data });
  for (const [k, v] of c.optimizer.bytes ?? []) opt.set(k, { dtype: 'U8', shape: v.shape, data: v.data });
  await saveSafetensors(join(dir, OPTIMIZER_FILE), opt, { optimizer_step: String(c.optimizer.step) });
  for (const [name, data] of c.extraFiles ?? []) await writeFile(join(dir, name), data);
}

/** Read the contents of a checkpoint folder (`optimizerStep` from its trainer_state.json). */
export async function readContents(dir: string, optimizerStep: number): Promise<Omit<CheckpointContents, 'extraFiles'>> {
  const weights = await loadSafetensors(join(dir, WEIGHTS_FILE));
  const opt = await loadSafetensors(join(dir, OPTIMIZER_FILE));
  const slots: OptimizerState['slots'] = new Map();
  const bytes: NonNullable<OptimizerState['bytes']> = new Map();
  for (const [k, v] of opt) {
    if (v.data instanceof Uint8Array) bytes.set(k, { shape: v.shape, data: v.data });
    else slots.set(k, { shape: v.shape, data: v.data as Float32Array });
  }
  return { weights, optimizer: { step: optimizerStep, slots, ...(bytes.size ? { bytes } : {}) } };
}
