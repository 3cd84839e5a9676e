import type { SchemaNode } from '../contributions.js';

/** `model`: the base model and how it is initialised. */
export const MODEL: SchemaNode = {
  title: 'Model',
  type: 'object',
  description: 'The base model: a local Hugging Face folder or a hub id, and how to initialize it.',
  additionalProperties: false,
  properties: {
    base: {
      description: 'A local model folder (relative to the recipe file; config.json + safetensors) or a hub id `org/name`, optionally `org/name@revision`. Required unless `init: random` with a `config`.',
      type: ['string', 'null'],
      minLength: 1,
      default: null,
      examples: ['../models/stories260k', 'HuggingFaceTB/SmolLM2-135M', 'mosaicml/mpt-30b@main'],
    },
    revision: {
      description: 'Hub revision (branch, tag or commit); an `@rev` suffix on `base` takes precedence.',
      type: 'string',
      minLength: 1,
      default: 'main',
      examples: ['main', 'v1.0'],
    },
    init: {
      description: '`pretrained` loads the weights; `random` initializes them as transformers does (seeded by `training.seed`) from the config.',
      type: 'string',
      enum: ['pretrained', 'random'],
      default: 'pretrained',
      examples: ['pretrained', 'random'],
    },
    config: {
      description: 'Keys merged over config.json, or the whole config for `init: random` without `base` (then it must contain `model_type`).',
      type: 'object',
      additionalProperties: true,
      default: {},
      examples: [{ model_type: 'gpt2' }, { max_position_embeddings: 4096 }],
    },
    dtype: {
      description: 'Compute dtype of the (non-quantized) weights. Engines without 16-bit floats compute in float32 and say so.',
      type: 'string',
      enum: ['float32', 'bfloat16', 'float16'],
      default: 'float32',
      examples: ['float32', 'bfloat16'],
    },
    offline: {
      description: 'Use only the local hub cache; never download.',
      type: 'boolean',
      default: false,
      examples: [true],
    },
  },
  examples: [{ base: '../models/stories260k' }],
};

/** `tokenizer`: which tokenizer and how special tokens are handled. */
export const TOKENIZER: SchemaNode = {
  title: 'Tokenizer',
  type: 'object',
  description: 'Which tokenizer to use and how special tokens are handled.',
  additionalProperties: false,
  properties: {
    path: {
      description: 'Folder holding tokenizer.json (relative to the recipe file) or a hub id. null: the model folder.',
      type: ['string', 'null'],
      minLength: 1,
      default: null,
      examples: ['../models/stories260k', 'openai-community/gpt2'],
    },
    add_bos: {
      description: 'Prepend BOS (null: as tokenizer_config.json `add_bos_token` says).',
      type: ['boolean', 'null'],
      default: null,
      examples: [true],
    },
    add_eos: {
      description: 'Append EOS when tokenizing plain text (completion datasets). Alpaca targets always end with EOS.',
      type: 'boolean',
      default: false,
      examples: [true],
    },
    pad_token: {
      description: 'Padding token. null: the tokenizer\'s pad token, else EOS (padding is always masked from the loss).',
      type: ['string', 'null'],
      default: null,
      examples: ['<|endoftext|>'],
    },
    chat_template: {
      description: 'An inline Jinja chat template, or a path (relative to the recipe file) to a .jinja file. null: the tokenizer\'s template.',
      type: ['string', 'null'],
      default: null,
      examples: ['templates/chatml.jinja'],
    },
  },
  examples: [{ path: 'openai-community/gpt2', add_eos: true }],
};
