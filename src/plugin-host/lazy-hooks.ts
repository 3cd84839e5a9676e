import type { TunePluginHooks } from './hooks.js';

type AnyFn = (...args: never[]) => unknown;

/**
 * Hooks whose implementation lives in a module loaded on the first call. A plugin's entry module is
 * read by `tune validate` and `tune plan`, which must not load TensorFlow.js; its tensor work goes in
 * another module that this loads when a hook first runs.
 *
 * @example
 * setup: () => lazyHooks(async () => (await import('./runtime.js')).hooks(), ['prepareModel', 'exportOutputs']),
 */
export function lazyHooks<K extends keyof TunePluginHooks>(load: () => Promise<Pick<TunePluginHooks, K>>, names: readonly K[]): Pick<TunePluginHooks, K> {
  let loaded: Promise<Pick<TunePluginHooks, K>> | undefined;
  const out: Partial<Record<K, AnyFn>> = {};
  for (const name of names) {
    out[name] = (async (...args: unknown[]) => {
      loaded ??= load();
      const hooks = await loaded;
      return (hooks[name] as unknown as (...a: unknown[]) => unknown).apply(hooks, args);
    }) as AnyFn;
  }
  return out as Pick<TunePluginHooks, K>;
}
