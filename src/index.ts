/**
 * tunekit's programmatic API. Everything `tune` does on the command line is reachable from here;
 * `examples/` uses only these exports.
 */
export * from './diagnostics/index.js';
export * from './recipe/index.js';
export * from './io/index.js';
export * from './models/index.js';
export * from './generate/index.js';
export * from './tokenizer/index.js';
export * from './data/index.js';
export * from './quant/index.js';
