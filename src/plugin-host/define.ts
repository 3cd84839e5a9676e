import type { CodeCatalog } from '../diagnostics/index.js';
import type { BackendSpec } from '../engine/registry.js';
import type { RecipeContributions } from '../recipe/contributions.js';
import type { ResolvedRecipe } from '../recipe/resolved.js';
import type { HookTable } from './driver.js';
import type { RunnerSpec } from './runner.js';

/** A JSON Schema object for a plugin's options (validated with ajv, defaults applied). */
export type OptionsSchema = Record<string, unknown> & { type?: 'object' };

/** What `setup` receives besides its options. */
export interface PluginSetupContext {
  /** Folder of the recipe that named the plugin (relative paths in options resolve from here). */
  baseDir: string;
  /** The recipe the plugin runs with. */
  recipe: ResolvedRecipe;
}

/**
 * A plugin definition: a name, a version, a JSON Schema for its options and a `setup` that turns
 * validated options into hook implementations.
 */
export interface PluginDefinition<O, H extends HookTable<H>> {
  name: string;
  version: string;
  description?: string;
  /** JSON Schema of the options object. Defaults in it are applied before `setup` runs. */
  options?: OptionsSchema;
  /** The diagnostic codes the plugin raises (`defineCodes(...).catalog`); registered when it loads. */
  codes?: CodeCatalog;
  /**
   * The recipe keys the plugin owns: method kinds, optimizers, dataset formats, loss terms, each with
   * its JSON Schema; aliases and semantic checks for them. Read without calling `setup`.
   */
  recipe?: RecipeContributions;
  /** Backends the plugin registers (`engine.backend` values), with their TensorFlow-free probes. */
  backends?: readonly BackendSpec[];
  /** Runners executing plans for those backends. */
  runners?: readonly RunnerSpec[];
  /**
   * Turn validated options into hook implementations. Called by every command that runs the
   * recipe's plugins, `tune plan` included: keep it light and load heavy code inside the hooks.
   */
  setup?(options: O, ctx: PluginSetupContext): Partial<H> | Promise<Partial<H>>;
}

/** A plugin as the loader sees it: the frozen definition with a brand so plain objects are rejected. */
export type Plugin<O, H extends HookTable<H>> = Readonly<PluginDefinition<O, H>> & { readonly __tunekitPlugin: true };

/**
 * Define a plugin. The result is frozen: its hooks are fixed once defined.
 *
 * @example
 * export default definePlugin({
 *   name: 'my-logger', version: '1.0.0',
 *   options: { type: 'object', properties: { every: { type: 'integer', default: 1 } }, additionalProperties: false },
 *   setup: (opts: { every: number }) => ({ stepEnd: (m) => { if (m.step % opts.every === 0) console.log(m.loss); } }),
 * });
 */
export function definePluginFor<H extends HookTable<H>>() {
  return function definePlugin<O = Record<string, never>>(def: PluginDefinition<O, H>): Plugin<O, H> {
    if (!def.name || !/^[a-z0-9@][a-z0-9@/._-]*$/.test(def.name)) throw new Error(`invalid plugin name: ${JSON.stringify(def.name)}`);
    return Object.freeze({ ...def, __tunekitPlugin: true as const });
  };
}

export function isPlugin(x: unknown): x is Plugin<unknown, Record<string, never>> {
  return typeof x === 'object' && x !== null && (x as { __tunekitPlugin?: unknown }).__tunekitPlugin === true;
}
