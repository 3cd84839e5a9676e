import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatDiagnostics, isTuneError } from '../diagnostics/index.js';
import { loadRecipe } from '../recipe/load.js';
import { looksLikeOverride } from '../recipe/overrides.js';
import { formatPlan } from '../plan/format.js';
import { planRecipe } from '../plan/index.js';
import { type Command, usageError } from './command.js';

const USAGE = `usage: tune plan [--format text|json] [--no-data] RECIPE [key.path=value ...] [~key.path ...]

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
  -h, --help           show this help

Exit status: 0 plannable (warnings allowed), 1 the recipe or plan has an error, 2 usage error.
`;


/** `tune plan`: the compiled plan of a recipe. */
export const command: Command = {
  name: 'plan',
  summary: 'show the compiled plan of a recipe: modules, adapters, parameters, steps, memory',
  usage: USAGE,
  async run(argv, io) {
    let parsed;
    try {
      parsed = parseArgs({
        args: argv,
        allowPositionals: true,
        options: { format: { type: 'string', default: 'text' }, 'no-data': { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      });
    } catch (e) {
      return usageError(io, 'plan', (e as Error).message);
    }
    const { values, positionals } = parsed;
    if (values.help) {
      io.stdout.write(USAGE);
      return 0;
    }
    const format = values.format;
    if (format !== 'text' && format !== 'json') return usageError(io, 'plan', `unknown --format \`${String(format)}\` (expected text or json)`);
    const files = positionals.filter((a) => !looksLikeOverride(a) || existsSync(resolve(io.cwd, a)));
    const overrides = positionals.filter((a) => !files.includes(a));
    if (files.length !== 1) return usageError(io, 'plan', files.length === 0 ? 'no recipe file given' : `one recipe at a time (got ${files.length})`);
    try {
      const recipe = await loadRecipe(files[0]!, { cwd: io.cwd, overrides });
      const plan = await planRecipe(recipe, { env: io.env, data: !values['no-data'] });
      io.stdout.write(format === 'json' ? `${JSON.stringify(plan, null, 2)}\n` : formatPlan(plan, { cwd: io.cwd }));
      if (plan.diagnostics.length) io.stderr.write(formatDiagnostics(plan.diagnostics));
      return plan.diagnostics.some((d) => d.severity === 'error') ? 1 : 0;
    } catch (e) {
      if (!isTuneError(e)) throw e;
      io.stderr.write(formatDiagnostics(e.diagnostics));
      return 1;
    }
  },
};
