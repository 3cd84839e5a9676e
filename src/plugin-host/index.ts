/**
 * The public plugin API. A plugin is `definePlugin({ name, version, options, setup })`; `setup`
 * returns the hooks it implements (see {@link TunePluginHooks} and {@link HOOK_KINDS}).
 */
import { definePluginFor } from './define.js';
import { PluginDriver, type DriverPlugin } from './driver.js';
import { HOOK_KINDS, type TunePluginHooks } from './hooks.js';

export { HOOK_KINDS, type TunePluginHooks, type LogRecord } from './hooks.js';
export type { HookKind } from './hook-kinds.js';
export type { Plugin, PluginDefinition, PluginSetupContext, OptionsSchema } from './define.js';
export { loadPlugins, type PluginRef, type SourcePosition, type LoadPluginsOptions } from './loader.js';
export { PluginDriver, type DriverPlugin, type HooksOfKind } from './driver.js';

/** Define a tunekit plugin (typed against tunekit's hooks). */
export const definePlugin = definePluginFor<TunePluginHooks>();

/** The driver type for tunekit's hooks. */
export type TuneDriver = PluginDriver<TunePluginHooks, typeof HOOK_KINDS>;

export function createDriver(plugins: readonly DriverPlugin<TunePluginHooks>[]): TuneDriver {
  return new PluginDriver(plugins, HOOK_KINDS);
}
