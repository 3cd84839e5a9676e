import type { SchemaNode } from '../contributions.js';

/** The top level: sections by `$ref`, the rule for files without `extends`, examples. `$defs` and the plugin-owned rules are added by buildRecipeSchema. */
export const ROOT: SchemaNode = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://tunekit.dev/schema/recipe.schema.json',
  title: 'TunekitRecipe',
  description: 'A tunekit recipe: what to fine-tune (model), on what (datasets and templates), how (a method such as full fine-tuning or LoRA; optimizer; schedule) and where the results go. Relative paths written in a recipe are relative to the file they are written in. `extends` merge rule: the extending file is merged over its bases in order; objects merge key by key (recursively), arrays and scalars replace the inherited value, and `null` deletes the inherited key (its default then applies). Command-line overrides `key.path=value` and `~key.path` apply after `extends` and before validation.',
  type: 'object',
  additionalProperties: false,
  properties: {
    recipe_version: {
      description: 'Version of the recipe format; always 1.',
      type: 'integer',
      const: 1,
      default: 1,
      examples: [1],
    },
    extends: {
      description: 'Base recipe(s) this one builds on: paths relative to this file, or paths inside an installed npm package (`@team/recipes/base.yaml`). Later bases and then this file win; see the merge rule in the schema description.',
      anyOf: [
        { type: 'string', minLength: 1 },
        { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
      ],
      default: [],
      examples: ['./base.yaml', ['@team/recipes/base.yaml', './local.yaml']],
    },
    description: {
      description: 'Free text describing the run.',
      type: 'string',
      default: '',
      examples: ['QLoRA of MPT-30B on German Alpaca'],
    },
    model: {
      $ref: '#/$defs/model',
      description: 'The base model: a local Hugging Face folder or a hub id, and how to initialize it.',
      default: {},
      examples: [{ base: '../models/stories260k' }],
    },
    tokenizer: {
      $ref: '#/$defs/tokenizer',
      description: 'Which tokenizer to use and how special tokens are handled.',
      default: {},
      examples: [{ path: 'openai-community/gpt2', add_eos: true }],
    },
    data: {
      $ref: '#/$defs/data',
      description: 'Training data: datasets, sequence length, masking, packing and the validation split.',
      default: {},
      examples: [{ datasets: [{ path: 'data/train.jsonl' }], sequence_len: 1024 }],
    },
    method: {
      $ref: '#/$defs/method',
      description: 'How the model is trained: a method kind and its settings.',
      default: {},
    },
    optimizer: {
      $ref: '#/$defs/optimizer',
      description: 'The optimizer: its name, learning rate and weight decay, and its own settings.',
      default: {},
      examples: [{ name: 'adamw', lr: 0.0002, weight_decay: 0.01 }],
    },
    schedule: {
      $ref: '#/$defs/schedule',
      description: 'Learning-rate schedule (the Hugging Face formulas): warmup, then constant, linear or cosine decay.',
      default: {},
      examples: [{ name: 'cosine', warmup_ratio: 0.03 }],
    },
    training: {
      $ref: '#/$defs/training',
      description: 'The training loop: how long, batch shape, clipping, checkpointing of activations, seed.',
      default: {},
      examples: [{ epochs: 3, micro_batch_size: 4, gradient_accumulation_steps: 4 }],
    },
    eval: {
      $ref: '#/$defs/eval',
      description: 'Evaluation on the held-out split (`data.val_set_size`).',
      default: {},
      examples: [{ steps: 100 }],
    },
    output: {
      $ref: '#/$defs/output',
      description: 'Where checkpoints, metrics and exported models go.',
      default: {},
      examples: [{ dir: 'out/run1', save_steps: 500, save_total_limit: 2 }],
    },
    logging: {
      $ref: '#/$defs/logging',
      description: 'Metrics and progress output.',
      default: {},
      examples: [{ steps: 1, tensorboard: true }],
    },
    engine: {
      $ref: '#/$defs/engine',
      description: 'Which tensor backend runs the model.',
      default: {},
      examples: [{ backend: 'wasm', threads: 2 }],
    },
    plugins: {
      type: 'array',
      description: 'Plugins to load, in order: built-in names, paths relative to the recipe file, npm packages, or `{use, options}`.',
      items: {
        description: 'A plugin: a built-in name, a relative path to a module (relative to the recipe file), an npm package, or `{use, options}`.',
        anyOf: [
          { type: 'string', minLength: 1 },
          {
            type: 'object',
            additionalProperties: false,
            required: ['use'],
            properties: {
              use: {
                description: 'The plugin: a built-in name, a relative path or an npm package.',
                type: 'string',
                minLength: 1,
                examples: ['./plugins/my-logger.js', '@acme/tunekit-wandb'],
              },
              options: {
                description: 'Options for the plugin, validated by the plugin\'s own schema.',
                type: 'object',
                additionalProperties: true,
                default: {},
                examples: [{ project: 'demo' }],
              },
            },
          },
        ],
        examples: ['./plugins/my-logger.js', { use: '@acme/tunekit-wandb', options: { project: 'demo' } }],
      },
      default: [],
      examples: [['./plugins/my-logger.js']],
    },
  },
  allOf: [
    {
      if: { not: { required: ['extends'], type: 'object' } },
      then: {
        required: ['recipe_version', 'model', 'data', 'method'],
        properties: {
          model: {
            anyOf: [
              { required: ['base'], properties: { base: { type: 'string' } }, type: 'object' },
              {
                required: ['init', 'config'],
                properties: { init: { const: 'random' }, config: { required: ['model_type'], type: 'object' } },
                type: 'object',
              },
            ],
            'x-error': {
              code: 'RECIPE_MISSING_KEY',
              message: '`model` needs `base` (a local folder or hub id), or `init: random` with a `config` that has `model_type`',
              hint: 'e.g. `base: HuggingFaceTB/SmolLM2-135M`',
            },
          },
          data: { required: ['datasets'], type: 'object' },
          method: { required: ['kind'], type: 'object' },
        },
        type: 'object',
      },
    },
  ],
  examples: [
    {
      recipe_version: 1,
      model: { base: '../models/stories260k' },
      data: { datasets: [{ path: '../examples/data/tiny-alpaca.jsonl' }] },
      method: { kind: 'lora' },
    },
  ],
};
