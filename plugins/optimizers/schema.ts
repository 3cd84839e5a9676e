import type { SchemaNode } from '../../src/plugin-api.js';

/** `optimizer.betas`: Adam-style (beta1, beta2). */
export const BETAS: SchemaNode = {
  description: 'Adam (beta1, beta2).',
  type: 'array',
  items: { type: 'number', minimum: 0, exclusiveMaximum: 1 },
  minItems: 2,
  maxItems: 2,
  default: [0.9, 0.999],
  examples: [[0.9, 0.95]],
};

/** `optimizer.eps`. */
export const EPS: SchemaNode = {
  description: 'Adam epsilon, added after the bias-corrected square root.',
  type: 'number',
  exclusiveMinimum: 0,
  default: 1e-08,
  examples: [1e-08],
};

/** `optimizer.momentum` (sgd). */
export const MOMENTUM: SchemaNode = {
  description: 'Momentum factor.',
  type: 'number',
  minimum: 0,
  exclusiveMaximum: 1,
  default: 0,
  examples: [0.9],
};

/** `optimizer.nesterov` (sgd). */
export const NESTEROV: SchemaNode = { description: 'Nesterov momentum (needs momentum > 0).', type: 'boolean', default: false, examples: [true] };
