/**
 * The backend a run uses: chosen in the backend registry (by probe for `auto`), activated when it runs
 * in this process (an `auto` backend that fails to activate gives way to the next available one), and
 * checked against the Runner that executes it: a plugin that needs a hook the Runner does not call is
 * refused at its recipe entry instead of running without it.
 */
import { TuneError, diag, fail, isTuneError, type Diagnostic } from '../diagnostics/index.js';
import type { EngineChoice, EngineInfo } from '../engine/registry.js';
import { RUNNER_HOOKS, type HookName, type TuneDriver } from '../plugin-host/hooks.js';
import type { RecipePlugins } from '../plugin-host/recipe.js';
import type { RunnerSpec } from '../plugin-host/runner.js';

export interface StartedBackend {
  choice: EngineChoice;
  /** What activating it did (in-process backends), else null. */
  engine: EngineInfo | null;
  runner: RunnerSpec;
  /** One line for the run log. */
  message: string;
}

/** Choose and (in-process) activate the backend `requested`. */
export async function startBackend(plugins: RecipePlugins, requested: string, threads: number | null, env: NodeJS.ProcessEnv): Promise<StartedBackend> {
  const skip = new Set<string>();
  const failed: string[] = [];
  for (;;) {
    const choice = plugins.backends.choose(requested, env, skip);
    const spec = plugins.backends.get(choice.backend)!;
    const runner = plugins.runners.get(spec.runner);
    if (!runner) fail('ENGINE_BACKEND_UNAVAILABLE', `backend \`${spec.name}\` needs the \`${spec.runner}\` runner, which no loaded plugin provides`, { hint: 'add the plugin that provides it to `plugins`' });
    const reason = failed.length ? `${choice.reason}; ${failed.join('; ')}` : choice.reason;
    if (!spec.activate) return { choice: { ...choice, reason }, engine: null, runner, message: `engine: ${spec.name} (${spec.summary}) — ${reason}` };
    try {
      const engine = await spec.activate({ threads });
      const detail = (engine as EngineInfo & { detail?: string }).detail ?? engine.backend;
      return { choice: { ...choice, reason }, engine, runner, message: `engine: ${detail} — ${reason}` };
    } catch (e) {
      if (requested !== 'auto' || !isTuneError(e)) throw e;
      skip.add(choice.backend);
      failed.push(`${choice.backend} failed to start (${e.diagnostics[0]?.found ?? e.message})`);
    }
  }
}

/** Refuse a recipe whose own plugins implement hooks the Runner does not call. */
export function checkHonoured(plugins: RecipePlugins, driver: TuneDriver, runner: RunnerSpec): void {
  const honoured = new Set<HookName>(runner.honours);
  const problems: Diagnostic[] = [];
  for (const hook of RUNNER_HOOKS) {
    if (honoured.has(hook)) continue;
    for (const name of driver.implementers(hook)) {
      // First-party plugins are the runner's business (a torch runner trains LoRA with PEFT itself).
      if (plugins.firstParty.has(name)) continue;
      const at = plugins.loaded.find((l) => l.plugin.name === name)?.ref.at;
      problems.push(
        diag('RUNNER_HOOK_UNSUPPORTED', `plugin \`${name}\` needs the \`${hook}\` hook, which the \`${runner.name}\` runner does not call`, {
          ...(at ? { file: at.file, line: at.line, col: at.col, ...(at.source !== undefined ? { source: at.source } : {}) } : {}),
          expected: `hooks the ${runner.name} runner calls: ${runner.honours.filter((h) => RUNNER_HOOKS.includes(h)).join(', ') || 'none'}`,
          hint: 'run on a backend whose runner calls it (`--backend native`), or remove the plugin',
        }),
      );
    }
  }
  if (problems.length) throw new TuneError(problems);
}
