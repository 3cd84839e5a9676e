import type { ExportKindSpec, SchemaNode } from '../contributions.js';

/** The export kind every method can be asked for; plugins register the others (PEFT `adapter`, …). */
export const CORE_EXPORT_KINDS: readonly ExportKindSpec[] = [{ name: 'full', description: 'an HF model folder holding every weight of the trained model', folder: 'model' }];

/** `output`: where checkpoints, metrics and exported models go. */
export const OUTPUT: SchemaNode = {
  title: 'Output',
  type: 'object',
  description: 'Where checkpoints, metrics and exported models go.',
  additionalProperties: false,
  properties: {
    dir: {
      description: 'Output folder. A value written in the recipe is relative to the recipe file. null: `out/<recipe file name without extension>` in the working directory.',
      type: ['string', 'null'],
      minLength: 1,
      default: null,
      examples: ['../out/smollm2-lora'],
    },
    save_steps: {
      description: 'Write a checkpoint every N optimizer steps. null: only at the end.',
      type: ['integer', 'null'],
      minimum: 1,
      default: null,
      examples: [500],
    },
    save_total_limit: {
      description: 'Keep at most N checkpoints (oldest deleted first). null: keep all.',
      type: ['integer', 'null'],
      minimum: 1,
      default: null,
      examples: [3],
    },
    export: {
      description: 'What to write at the end, each into its folder of output.dir. null: the method’s default.',
      type: ['array', 'null'],
      items: { type: 'string', enum: ['full'] },
      uniqueItems: true,
      minItems: 1,
      default: null,
      examples: [['adapter', 'merged']],
    },
    overwrite: {
      description: 'Allow writing into a non-empty output folder.',
      type: 'boolean',
      default: false,
      examples: [true],
    },
  },
  examples: [{ dir: 'out/run1', save_steps: 500, save_total_limit: 2 }],
};

/** `logging`: metrics and progress output. */
export const LOGGING: SchemaNode = {
  title: 'Logging',
  type: 'object',
  description: 'Metrics and progress output.',
  additionalProperties: false,
  properties: {
    steps: {
      description: 'Log metrics every N optimizer steps.',
      type: 'integer',
      minimum: 1,
      default: 10,
      examples: [1, 50],
    },
    jsonl: {
      description: 'Write metrics.jsonl in the output folder.',
      type: 'boolean',
      default: true,
      examples: [false],
    },
    tensorboard: {
      description: 'Write TensorBoard event files in the output folder.',
      type: 'boolean',
      default: false,
      examples: [true],
    },
    progress: {
      description: 'Progress display: a bar on a terminal, plain lines otherwise (`auto`).',
      type: 'string',
      enum: ['auto', 'bar', 'plain', 'none'],
      default: 'auto',
      examples: ['plain', 'none'],
    },
  },
  examples: [{ steps: 1, tensorboard: true }],
};

/** `engine`: which backend runs the model; backends come from plugins. */
export const ENGINE: SchemaNode = {
  title: 'Engine',
  type: 'object',
  description: 'Which tensor backend runs the model.',
  additionalProperties: false,
  properties: {
    backend: {
      description: 'The backend that runs the model: `auto` or one of the backends the recipe\'s plugins register.',
      default: 'auto',
      examples: ['native', 'wasm', 'cpu'],
    },
    threads: {
      description: 'Worker threads for the wasm backend. null: the backend default.',
      type: ['integer', 'null'],
      minimum: 1,
      default: null,
      examples: [4],
    },
  },
  examples: [{ backend: 'wasm', threads: 2 }],
};
