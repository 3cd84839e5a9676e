import type { SchemaNode } from '../contributions.js';

/** `method`: the discriminator `kind`; each kind's keys come from its method plugin. */
export const METHOD: SchemaNode = {
  title: 'Method',
  type: 'object',
  description: 'How the model is trained: a method kind and its settings.',
  additionalProperties: false,
  properties: {
    kind: {
      description: 'The fine-tuning method: one of the method kinds the recipe\'s plugins register.',
      examples: ['lora', 'qlora', 'full'],
    },
  },
};

/** `optimizer`: the settings every optimizer shares; each optimizer's own keys come from its plugin. */
export const OPTIMIZER: SchemaNode = {
  title: 'Optimizer',
  type: 'object',
  description: 'The optimizer: its name, learning rate and weight decay, and its own settings.',
  additionalProperties: false,
  properties: {
    name: {
      description: 'Optimizer name: one of the optimizers the recipe\'s plugins register.',
      default: 'adamw',
      examples: ['adamw', 'paged_adamw_8bit'],
    },
    lr: {
      description: 'Peak learning rate.',
      type: 'number',
      exclusiveMinimum: 0,
      default: 0.0002,
      examples: [0.0002, 2e-05],
    },
    weight_decay: {
      description: 'Decoupled weight decay (not applied to biases and norm weights).',
      type: 'number',
      minimum: 0,
      default: 0,
      examples: [0.01],
    },
  },
  examples: [{ name: 'adamw', lr: 0.0002, weight_decay: 0.01 }],
};

/** `schedule`: the learning-rate schedule (HF formulas). */
export const SCHEDULE: SchemaNode = {
  title: 'Schedule',
  type: 'object',
  description: 'Learning-rate schedule (the Hugging Face formulas): warmup, then constant, linear or cosine decay.',
  additionalProperties: false,
  properties: {
    name: {
      description: 'Schedule shape after warmup.',
      type: 'string',
      enum: ['constant', 'constant_with_warmup', 'linear', 'cosine', 'cosine_with_min_lr'],
      default: 'linear',
      examples: ['cosine', 'constant_with_warmup'],
    },
    warmup_steps: {
      description: 'Linear warmup over this many optimizer steps. Mutually exclusive with warmup_ratio.',
      type: 'integer',
      minimum: 0,
      default: 0,
      examples: [100],
    },
    warmup_ratio: {
      description: 'Warmup over this fraction of all optimizer steps (rounded up). Mutually exclusive with warmup_steps.',
      type: 'number',
      minimum: 0,
      exclusiveMaximum: 1,
      default: 0,
      examples: [0.03],
    },
    min_lr_ratio: {
      description: 'cosine_with_min_lr only: the floor as a fraction of the peak learning rate.',
      type: 'number',
      minimum: 0,
      maximum: 1,
      default: 0,
      examples: [0.1],
    },
  },
  allOf: [
    {
      if: { required: ['warmup_steps'], type: 'object' },
      then: {
        'x-error': {
          code: 'RECIPE_EXCLUSIVE',
          message: '`schedule.warmup_steps` and `schedule.warmup_ratio` are mutually exclusive',
          hint: 'keep one of them (when extending a recipe, write `warmup_steps: null` or `warmup_ratio: null` to drop the inherited one)',
        },
        properties: { warmup_ratio: false },
        type: 'object',
      },
    },
    {
      if: { required: ['name'], properties: { name: { const: 'cosine_with_min_lr' } }, type: 'object' },
      else: {
        'x-error': {
          code: 'RECIPE_NOT_ALLOWED',
          message: '`schedule.min_lr_ratio` is only allowed with `schedule.name: cosine_with_min_lr`',
          hint: 'set `name: cosine_with_min_lr` or remove `min_lr_ratio`',
        },
        properties: { min_lr_ratio: false },
        type: 'object',
      },
    },
  ],
  examples: [{ name: 'cosine', warmup_ratio: 0.03 }],
};

/** `training`: the loop. */
export const TRAINING: SchemaNode = {
  title: 'Training',
  type: 'object',
  description: 'The training loop: how long, batch shape, clipping, checkpointing of activations, seed.',
  additionalProperties: false,
  properties: {
    epochs: {
      description: 'Passes over the training data (fractions allowed). Mutually exclusive with max_steps.',
      type: 'number',
      exclusiveMinimum: 0,
      default: 1,
      examples: [3, 0.5],
    },
    max_steps: {
      description: 'Stop after this many optimizer steps instead of counting epochs. Mutually exclusive with epochs.',
      type: ['integer', 'null'],
      minimum: 1,
      default: null,
      examples: [1000],
    },
    micro_batch_size: {
      description: 'Examples per forward/backward pass.',
      type: 'integer',
      minimum: 1,
      default: 1,
      examples: [4],
    },
    gradient_accumulation_steps: {
      description: 'Micro-batches per optimizer step; the effective batch is micro_batch_size × gradient_accumulation_steps.',
      type: 'integer',
      minimum: 1,
      default: 1,
      examples: [4],
    },
    max_grad_norm: {
      description: 'Clip the global gradient L2 norm to this value; 0 disables clipping.',
      type: 'number',
      minimum: 0,
      default: 1,
      examples: [0.3],
    },
    gradient_checkpointing: {
      description: 'Recompute activations in the backward pass to save memory.',
      type: 'boolean',
      default: false,
      examples: [true],
    },
    seed: {
      description: 'Seed for initialization, dropout, shuffling and splits.',
      type: 'integer',
      minimum: 0,
      default: 42,
      examples: [1234],
    },
  },
  if: { required: ['max_steps'], properties: { max_steps: { type: 'integer' } }, type: 'object' },
  then: {
    'x-error': {
      code: 'RECIPE_EXCLUSIVE',
      message: '`training.epochs` and `training.max_steps` are mutually exclusive',
      hint: 'keep one of them (when extending a recipe, write `epochs: null` to drop the inherited value)',
    },
    properties: { epochs: false },
    type: 'object',
  },
  examples: [{ epochs: 3, micro_batch_size: 4, gradient_accumulation_steps: 4 }],
};

/** `eval`: evaluation on the held-out split. */
export const EVAL: SchemaNode = {
  title: 'Eval',
  type: 'object',
  description: 'Evaluation on the held-out split (`data.val_set_size`).',
  additionalProperties: false,
  properties: {
    steps: {
      description: 'Evaluate every N optimizer steps (needs data.val_set_size > 0). null: never during training.',
      type: ['integer', 'null'],
      minimum: 1,
      default: null,
      examples: [200],
    },
    batch_size: {
      description: 'Examples per evaluation batch. null: training.micro_batch_size.',
      type: ['integer', 'null'],
      minimum: 1,
      default: null,
      examples: [8],
    },
    early_stopping: {
      type: 'object',
      description: 'Stop when the evaluation loss has not improved by min_delta for `patience` evaluations.',
      additionalProperties: false,
      properties: {
        patience: {
          description: 'Evaluations without improvement before stopping. null: never stop early.',
          type: ['integer', 'null'],
          minimum: 1,
          default: null,
          examples: [3],
        },
        min_delta: {
          description: 'Smallest loss decrease that counts as an improvement.',
          type: 'number',
          minimum: 0,
          default: 0,
          examples: [0.001],
        },
      },
      default: { patience: null, min_delta: 0 },
      examples: [{ patience: 3 }],
    },
  },
  examples: [{ steps: 100 }],
};
