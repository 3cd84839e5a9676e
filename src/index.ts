/**
 * tunekit's programmatic API. Everything `tune` does on the command line is reachable from here;
 * `examples/` uses only these exports.
 */
export * from './diagnostics/index.js';
