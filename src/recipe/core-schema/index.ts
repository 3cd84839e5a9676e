/**
 * The core of the recipe schema: every section the core owns, and the places where plugins' keys
 * go (the variant blocks). `buildRecipeSchema` adds the plugin fragments; nothing here names a
 * method, optimizer, dataset format or backend.
 */
import type { SchemaNode } from '../contributions.js';
import { DATA } from './data.js';
import { MODEL, TOKENIZER } from './model.js';
import { ENGINE, LOGGING, OUTPUT } from './output.js';
import { ROOT } from './root.js';
import { EVAL, METHOD, OPTIMIZER, SCHEDULE, TRAINING } from './training.js';

/** A fresh copy of the core schema (the builder adds to it). */
export function coreSchema(): SchemaNode {
  return structuredClone({
    ...ROOT,
    $defs: { model: MODEL, tokenizer: TOKENIZER, data: DATA, method: METHOD, optimizer: OPTIMIZER, schedule: SCHEDULE, training: TRAINING, eval: EVAL, output: OUTPUT, logging: LOGGING, engine: ENGINE },
  });
}

/** Which registry fills a variant block. */
export type VariantRegistry = 'methods' | 'optimizers' | 'datasetFormats' | 'lossTerms';

/**
 * A recipe object whose keys depend on one discriminator key (`method.kind`, `optimizer.name`, a
 * dataset's `format`, `regularization.kind`). The builder lists the registered values in the
 * discriminator's enum, adds each variant's keys, and writes the rules that reject a key for the
 * variants that do not take it:
 * - `per-key`: one rule per key, "`method.lora` is only allowed with `method.kind: lora` or `qlora`";
 * - `per-variant`: one rule per variant, "`fields` does not apply to `format: completion` datasets".
 */
export interface VariantBlock {
  registry: VariantRegistry;
  /** JSON pointer of the block's object schema inside the built schema. */
  schemaPointer: string;
  /** The discriminator key. */
  by: string;
  /** How the block is named in messages (`method`, `optimizer`), or null for unnamed list items. */
  label: string | null;
  style: 'per-key' | 'per-variant';
  /** Words for the variant listing appended to the block description. */
  noun: string;
}

export const VARIANT_BLOCKS: readonly VariantBlock[] = [
  { registry: 'methods', schemaPointer: '/$defs/method', by: 'kind', label: 'method', style: 'per-key', noun: 'Kinds' },
  { registry: 'optimizers', schemaPointer: '/$defs/optimizer', by: 'name', label: 'optimizer', style: 'per-key', noun: 'Optimizers' },
  { registry: 'datasetFormats', schemaPointer: '/$defs/data/properties/datasets/items', by: 'format', label: null, style: 'per-variant', noun: 'Formats' },
  { registry: 'lossTerms', schemaPointer: '/properties/regularization', by: 'kind', label: 'regularization', style: 'per-key', noun: 'Loss terms' },
];

/** The `regularization` section (a root property), present once a plugin registers a loss term. */
export const REGULARIZATION: SchemaNode = {
  title: 'Regularization',
  type: ['object', 'null'],
  description: 'A loss term added to the training loss, logged on its own (`lossTerms` in metrics.jsonl, `train/loss_terms/<kind>` in TensorBoard, after the loss in the progress line); null: none.',
  additionalProperties: false,
  required: ['kind'],
  properties: {
    kind: { description: 'The loss term: one of those the recipe\'s plugins register.' },
  },
  default: null,
};
