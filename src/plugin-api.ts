/**
 * The plugin API without TensorFlow.js: what a plugin's entry module needs to define itself — its
 * recipe keys (schema fragments), diagnostic codes, semantic checks, plan placement and hooks — and
 * the types of everything its hooks receive. `tune validate` and `tune plan` import plugin entry
 * modules, so those modules import from here (package subpath `tunekit/plugin`) and load heavy code
 * (models, tensors) lazily inside their run-time hooks, from `tunekit`.
 *
 * @example
 * import { definePlugin } from 'tunekit/plugin';
 * export default definePlugin({ name: 'my-format', version: '1.0.0', recipe: { datasetFormats: [myFormat] } });
 */
export { definePlugin, HOOK_KINDS, PLAN_HOOKS, RUNNER_HOOKS, lazyHooks } from './plugin-host/index.js';
export { TFJS_BACKENDS } from './engine/backends.js';
export type { BackendProbe, BackendSpec, EngineChoice, EngineCopies, EngineInfo } from './engine/registry.js';
export type { ModelPlacement, PlanModelContext, PlannedModule, PlannedTensor } from './plan/placement.js';
export type { Plan, PlanParamGroup } from './plan/types.js';
export { nf4BytesPerParam } from './plan/memory.js';
export type { ModelCatalog, ModuleInfo, ParamSpec } from './models/types.js';
export type * from './plugin-host/index.js';
export { TuneError, isTuneError, diag, fail, defineCodes, formatDiagnostics } from './diagnostics/index.js';
export type { Diagnostic, DiagnosticInit, Severity, Codes, CodeCatalog, CodeInfo, CoreCode } from './diagnostics/index.js';
export type * from './recipe/contributions.js';
export type * from './recipe/resolved.js';
export { archFacts, contextLength, modulePaths, targetMatches, type ArchFacts } from './recipe/arch-facts.js';
export { suggest } from './recipe/suggest.js';
export { orList } from './recipe/build-schema.js';
export { COMMON_DATASET_KEYS, IGNORE_INDEX, RowError, isRowError, typeOfValue } from './data/format.js';
export type { ConfigProblem, DatasetFormat, Example, FormatContext, Row, RowProblem, RowRef } from './data/format.js';
export type { DataConfig, DatasetConfig } from './data/config.js';
export { fillPromptTemplate, parsePromptTemplate, type PromptTemplate } from './data/prompt-template.js';
export type { ChatMessage, Tokenizer } from './tokenizer/types.js';
export type { Batch } from './train/batch.js';
