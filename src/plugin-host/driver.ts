import type { HookKind } from './hook-kinds.js';
import { TuneError, diag, isTuneError } from '../diagnostics/index.js';

/** A function-valued hook table: every hook is optional in a plugin. */
export type HookTable<H = Record<string, unknown>> = { [K in keyof H]: (...args: never[]) => unknown };

/** The names of hooks of one kind, given a kind map. */
export type HooksOfKind<H extends HookTable<H>, M extends Record<keyof H, HookKind>, K extends HookKind> = {
  [N in keyof H]: M[N] extends K ? N : never;
}[keyof H];

type Awaited2<T> = T extends Promise<infer U> ? U : T;

/** One loaded plugin as the driver sees it: a name and its hook implementations. */
export interface DriverPlugin<H extends HookTable<H>> {
  name: string;
  hooks: Partial<H>;
}

/**
 * Calls plugin hooks by kind. Methods are typed by the kind map, so calling a `parallel` hook with
 * `hookFirst` does not compile.
 */
export class PluginDriver<H extends HookTable<H>, M extends Record<keyof H, HookKind>> {
  readonly #plugins: readonly DriverPlugin<H>[];
  readonly #kinds: M;

  constructor(plugins: readonly DriverPlugin<H>[], kinds: M) {
    this.#plugins = plugins;
    this.#kinds = kinds;
  }

  get pluginNames(): string[] {
    return this.#plugins.map((p) => p.name);
  }

  /** The plugins that implement `name` (a run skips work no plugin wants, e.g. snapshots for `afterOptimizerStep`). */
  implementers(name: keyof H): string[] {
    return this.#plugins.filter((p) => p.hooks[name] !== undefined).map((p) => p.name);
  }

  /** Ask plugins in order; resolve to the first answer that is not null/undefined, else null. */
  async hookFirst<N extends HooksOfKind<H, M, 'first'>>(
    name: N,
    ...args: Parameters<H[N]>
  ): Promise<NonNullable<Awaited2<ReturnType<H[N]>>> | null> {
    this.#assertKind(name, 'first');
    for (const p of this.#plugins) {
      const fn = p.hooks[name];
      if (!fn) continue;
      const r = (await this.#call(p, name, fn, args)) as Awaited2<ReturnType<H[N]>>;
      if (r !== null && r !== undefined) return r as NonNullable<Awaited2<ReturnType<H[N]>>>;
    }
    return null;
  }

  /**
   * Thread a value through every plugin: `hook(value, ...rest)` returns the next value
   * (returning undefined keeps the value unchanged).
   */
  async hookSequential<N extends HooksOfKind<H, M, 'sequential'>>(
    name: N,
    ...args: Parameters<H[N]>
  ): Promise<Parameters<H[N]>[0]> {
    this.#assertKind(name, 'sequential');
    let [value, ...rest] = args as unknown[];
    for (const p of this.#plugins) {
      const fn = p.hooks[name];
      if (!fn) continue;
      const r = await this.#call(p, name, fn, [value, ...rest]);
      if (r !== undefined) value = r;
    }
    return value as Parameters<H[N]>[0];
  }

  /**
   * Thread a value through every plugin synchronously (hooks called inside a gradient computation).
   * A hook that returns a promise is an error: nothing can be awaited there.
   */
  hookInline<N extends HooksOfKind<H, M, 'inline'>>(name: N, ...args: Parameters<H[N]>): Parameters<H[N]>[0] {
    this.#assertKind(name, 'inline');
    let [value, ...rest] = args as unknown[];
    for (const p of this.#plugins) {
      const fn = p.hooks[name];
      if (!fn) continue;
      let r: unknown;
      try {
        r = (fn as (...a: unknown[]) => unknown).apply(p.hooks, [value, ...rest]);
      } catch (e) {
        throw this.#wrap(p, name, e);
      }
      if (r instanceof Promise) throw this.#wrap(p, name, new Error('returned a promise; this hook runs inside the gradient computation and must be synchronous'));
      if (r !== undefined) value = r;
    }
    return value as Parameters<H[N]>[0];
  }

  /** Notify every plugin concurrently and wait for all of them. */
  async hookParallel<N extends HooksOfKind<H, M, 'parallel'>>(name: N, ...args: Parameters<H[N]>): Promise<void> {
    this.#assertKind(name, 'parallel');
    await Promise.all(
      this.#plugins.map((p) => {
        const fn = p.hooks[name];
        return fn ? this.#call(p, name, fn, args) : undefined;
      }),
    );
  }

  #assertKind(name: keyof H, kind: HookKind): void {
    // The types already forbid this; the check protects JavaScript callers.
    if (this.#kinds[name] !== kind) {
      throw new Error(`hook ${String(name)} is ${this.#kinds[name]}, not ${kind}`);
    }
  }

  async #call(p: DriverPlugin<H>, name: keyof H, fn: (...a: never[]) => unknown, args: unknown[]): Promise<unknown> {
    try {
      return await (fn as (...a: unknown[]) => unknown).apply(p.hooks, args);
    } catch (e) {
      throw this.#wrap(p, name, e);
    }
  }

  #wrap(p: DriverPlugin<H>, name: keyof H, e: unknown): unknown {
    if (isTuneError(e)) return e;
    const msg = e instanceof Error ? e.message : String(e);
    return new TuneError(
      diag('PLUGIN_HOOK_FAILED', `plugin \`${p.name}\` failed in hook \`${String(name)}\`: ${msg}`, {
        hint: 'the error comes from the plugin; check its options or report it to its author',
      }),
    );
  }
}
