import type { SchemaNode } from '../contributions.js';

/** `data`: datasets, sequence length, masking, packing and the validation split. Each dataset's format-specific keys come from the format plugins. */
export const DATA: SchemaNode = {
  title: 'Data',
  type: 'object',
  description: 'Training data: datasets, sequence length, masking, packing and the validation split.',
  additionalProperties: false,
  properties: {
    datasets: {
      type: 'array',
      description: 'The datasets to train on (at least one); mixed by `weight`.',
      minItems: 1,
      items: {
        title: 'Dataset',
        type: 'object',
        description: 'One training dataset: where it is, how its rows are laid out, and how they become prompt + target text.',
        additionalProperties: false,
        required: ['path'],
        properties: {
          path: {
            description: 'A local file, folder or glob (relative to the recipe file), or a Hugging Face hub dataset id `org/name`. Local formats: .jsonl, .json, .csv, .parquet, .txt.',
            type: 'string',
            minLength: 1,
            examples: ['data/train.jsonl', 'tatsu-lab/alpaca', 'data/shards/*.parquet'],
          },
          format: {
            description: 'How rows are turned into training text: one of the dataset formats the recipe\'s plugins register (built in: `alpaca`, `chat`, `completion`, `input_output`, `tokenized`).',
            default: 'alpaca',
            examples: ['alpaca', 'completion', 'chat'],
          },
          name: {
            description: 'Hub dataset configuration name (the `name` argument of `datasets.load_dataset`).',
            type: ['string', 'null'],
            default: null,
            examples: ['wikitext-2-raw-v1'],
          },
          split: {
            description: 'Split to read (hub datasets, or folders with split files).',
            type: 'string',
            default: 'train',
            examples: ['train', 'train[:10%]'],
          },
          revision: {
            description: 'Hub revision (branch, tag or commit) of the dataset.',
            type: ['string', 'null'],
            default: null,
            examples: ['main'],
          },
          weight: {
            description: 'Mixing weight when several datasets are combined; rows are sampled in proportion to it.',
            type: 'number',
            exclusiveMinimum: 0,
            default: 1,
            examples: [1, 0.5],
          },
          train_on_inputs: {
            description: 'Override `data.train_on_inputs` for this dataset (null: inherit).',
            type: ['boolean', 'null'],
            default: null,
            examples: [false],
          },
          on_bad_row: {
            description: 'Override `data.on_bad_row` for this dataset (null: inherit).',
            type: ['string', 'null'],
            enum: ['error', 'skip', null],
            default: null,
            examples: ['skip'],
          },
        },
        examples: [{ path: 'data/train.jsonl', format: 'alpaca' }],
      },
      examples: [[{ path: 'data/train.jsonl', format: 'alpaca' }]],
    },
    sequence_len: {
      description: 'Maximum tokens per example (prompt + response). Must not exceed the model\'s context length.',
      type: 'integer',
      minimum: 8,
      default: 512,
      examples: [512, 2048],
    },
    truncation: {
      description: 'What to do with an example longer than `sequence_len`: cut it, drop it, or fail.',
      type: 'string',
      enum: ['truncate', 'drop', 'error'],
      default: 'truncate',
      examples: ['truncate', 'drop'],
    },
    train_on_inputs: {
      description: 'Also compute the loss on prompt tokens (false: only on the response, as Stanford Alpaca does).',
      type: 'boolean',
      default: false,
      examples: [true],
    },
    packing: {
      description: 'Pack several examples into one sequence, without attention across example boundaries.',
      type: 'boolean',
      default: false,
      examples: [true],
    },
    val_set_size: {
      description: 'Hold out part of the data for evaluation: a fraction in [0, 1) or a row count >= 1.',
      anyOf: [{ type: 'number', minimum: 0, exclusiveMaximum: 1 }, { type: 'integer', minimum: 1 }],
      'x-error': {
        code: 'RECIPE_RANGE',
        message: '`{path}` must be a fraction in [0, 1) or a whole row count >= 1',
        found: true,
      },
      default: 0,
      examples: [0.05, 200],
    },
    shuffle: {
      description: 'Shuffle training examples each epoch (seeded by `training.seed`).',
      type: 'boolean',
      default: true,
      examples: [false],
    },
    on_bad_row: {
      description: 'A malformed row is an error (with its row number) or is skipped with a warning count.',
      type: 'string',
      enum: ['error', 'skip'],
      default: 'error',
      examples: ['skip'],
    },
    cache_dir: {
      description: 'Where tokenized datasets are cached. A value written in the recipe is relative to the recipe file; the default is relative to the working directory.',
      type: 'string',
      minLength: 1,
      default: '.tunekit-cache',
      examples: ['.tunekit-cache'],
    },
  },
  examples: [{ datasets: [{ path: 'data/train.jsonl' }], sequence_len: 1024 }],
};
