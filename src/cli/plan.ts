import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { formatDiagnostics, isTuneError } from '../diagnostics/index.js';
import { planRecipe } from '../exec/plan-recipe.js';
import { formatPlan } from '../plan/format.js';
import { openRecipe } from '../plugin-host/recipe.js';
import { looksLikeOverride } from '../recipe/overrides.js';
import { catalogOf, defineCommand, usage } from './command.js';

const USAGE = `usage: tune plan [--format text|json] [--no-data] [--backend NAME] RECIPE [key.path=value ...] [~key.path ...]

Compile a recipe without loading weights or a tensor backend and print what the run would do:
the module tree with adapter placement, trainable vs total parameters, optimizer groups, step
counts, and a memory budget (weights, gradients, optimizer state, activations) with the verdict
for this machine and, on wasm, for the 4 GiB heap.

Hub models are planned offline from the Hub cache or a built-in copy of well-known configs.
Step counts need the training-set size: local datasets are read, and when small (≤ 50,000 rows)
or already prepared, prepared as tune run does (the prepared-data cache is written for the run).

options:
  --format text|json   text (default) or the Plan as JSON on stdout
  --no-data            do not read local datasets (step counts stay unknown)
  --backend NAME       plan for this backend instead of engine.backend (see \`tune env\`)
  -h, --help           show this help

Exit status: 0 plannable (warnings allowed), 1 the recipe or plan has an error, 2 usage error.
`;


/** `tune plan`: the compiled plan of a recipe. */
export const command = defineCommand({
  name: 'plan',
  summary: 'show the compiled plan of a recipe: modules, adapters, parameters, steps, memory',
  usage: USAGE,
  options: { format: { type: 'string', default: 'text' }, 'no-data': { type: 'boolean' }, backend: { type: 'string' } },
  async run({ values, positionals }, io) {
    const format = values.format;
    if (format !== 'text' && format !== 'json') throw usage('plan', `unknown --format \`${String(format)}\` (expected text or json)`);
    const files = positionals.filter((a) => !looksLikeOverride(a) || existsSync(resolve(io.cwd, a)));
    const overrides = positionals.filter((a) => !files.includes(a));
    if (files.length !== 1) throw usage('plan', files.length === 0 ? 'no recipe file given' : `one recipe at a time (got ${files.length})`);
    try {
      const { recipe, plugins } = await openRecipe(files[0]!, { cwd: io.cwd, overrides, catalog: catalogOf(io) });
      const engine = plugins.backends.choose(values.backend ?? recipe.engine.backend, io.env);
      const plan = await planRecipe(recipe, plugins, { env: io.env, engine, ...(values['no-data'] ? { data: false } : {}) });
      io.stdout.write(format === 'json' ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan, { cwd: io.cwd }));
      if (plan.diagnostics.length) io.stderr.write(formatDiagnostics(plan.diagnostics));
      return plan.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
    } catch (e) {
      if (!isTuneError(e)) throw e;
      io.stderr.write(formatDiagnostics(e.diagnostics));
      return 1;
    }
  },
});
