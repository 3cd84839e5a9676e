/**
 * The plugin host: the public plugin API (`definePlugin`, the hook table and its kinds, the run
 * context and step payloads, the Runner seam) and what hosts plugins (the typed driver, the loader,
 * recipes opened with their plugins).
 */
import { definePluginFor } from './define.js';
import { PluginDriver, type DriverPlugin } from './driver.js';
import { HOOK_KINDS, type TuneDriver, type TunePluginHooks } from './hooks.js';

export { HOOK_KINDS, PLAN_HOOKS, RUNNER_HOOKS, type TunePluginHooks, type HookName, type TuneDriver, type OptimizerRequest, type CheckpointFiles } from './hooks.js';
export type { HookKind } from './hook-kinds.js';
export type { Plugin, PluginDefinition, PluginSetupContext, OptionsSchema } from './define.js';
export type { ExportContext, LogRecord, LossInput, LossTerms, OptimizerUpdate, RunBeginInfo, RunContext, StepContext } from './context.js';
export type { Runner, RunnerResult, RunnerSpec, RunEvents, RunJob } from './runner.js';
export { importPlugins, loadPlugins, setupPlugins, type ImportPluginsOptions, type LoadedPlugin, type LoadPluginsOptions, type PluginRef, type SourcePosition } from './loader.js';
export { PluginDriver, type DriverPlugin, type HooksOfKind } from './driver.js';
export { lazyHooks } from './lazy-hooks.js';
export type { AnyPlugin, PluginCatalog } from './catalog.js';

/** Define a tunekit plugin (typed against tunekit's hooks). */
export const definePlugin = definePluginFor<TunePluginHooks>();

export function createDriver(plugins: readonly DriverPlugin<TunePluginHooks>[]): TuneDriver {
  return new PluginDriver(plugins, HOOK_KINDS);
}
