/** Text generation: KV-cached decoding and HF-compatible logits processing. */
export { generate, chooseToken, sampleIndex, type GenerateResult, type FinishReason } from './generate.js';
export { readGenerationConfig, resolveGenerateOptions, type GenerateOptions, type ResolvedGenerateOptions } from './options.js';
export * from './logits-processors.js';
export { evaluateExactMatch, promptTarget, type PromptTarget, type ExactMatchOptions, type ExactMatchSummary } from './evaluate.js';
