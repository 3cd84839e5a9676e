import type { Plugin } from './define.js';
import type { TunePluginHooks } from './hooks.js';

/** A plugin of any options type. */
export type AnyPlugin = Plugin<never, TunePluginHooks>;

/**
 * The plugins a host runs recipes with: the first-party ones (a recipe may name them by bare name)
 * and, of those, the ones every recipe loads before its own `plugins:`, in hook order. The entry
 * point (the CLI, or a program) assembles it; the core never imports a plugin.
 */
export interface PluginCatalog {
  plugins: readonly AnyPlugin[];
  implicit: readonly string[];
}
