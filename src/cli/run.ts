import { runRecipe } from '../exec/run-recipe.js';
import { openRecipe } from '../plugin-host/recipe.js';
import { looksLikeOverride } from '../recipe/index.js';
import { catalogOf, defineCommand, usage } from './command.js';

const USAGE = `usage: tune run RECIPE [key.path=value ...] [~key.path ...] [--resume [latest|PATH]] [--backend NAME]

Train a recipe. Overrides apply before validation. Ctrl-C (SIGINT) or SIGTERM finishes the current
step, saves a checkpoint and exits; continue with --resume. --backend forces a backend over
engine.backend: auto or one of those \`tune env\` lists.`;

/** `tune run`: train a recipe. */
export const command = defineCommand({
  name: 'run',
  summary: 'train a recipe (full, LoRA, QLoRA); Ctrl-C saves a checkpoint',
  usage: USAGE,
  options: { resume: { type: 'string' }, backend: { type: 'string' } },
  // `--resume` takes an optional value: a bare `--resume` means latest.
  prepare: (argv) => argv.flatMap((a, i) => (a === '--resume' && (argv[i + 1] === undefined || argv[i + 1]?.startsWith('-') || looksLikeOverride(argv[i + 1] as string) || /\.ya?ml$/.test(argv[i + 1] as string)) ? ['--resume=latest'] : [a])),
  async run({ values, positionals }, io) {
    const [file, ...rest] = positionals;
    if (!file) throw usage('run', 'tune run needs a recipe file');
    const bad = rest.filter((r) => !looksLikeOverride(r));
    if (bad.length) throw usage('run', `unexpected argument \`${bad[0]}\``, { expected: 'key.path=value or ~key.path overrides after the recipe' });
    const { recipe, plugins } = await openRecipe(file, { overrides: rest, cwd: io.cwd, catalog: catalogOf(io) });
    const backend = values.backend;
    if (backend !== undefined && !plugins.backends.names().includes(backend)) throw usage('run', `unknown backend \`${backend}\``, { expected: plugins.backends.names().join(' | ') });
    const result = await runRecipe(recipe, {
      plugins,
      ...(values.resume !== undefined ? { resume: values.resume } : {}),
      ...(backend ? { backend } : {}),
      stdout: io.stdout,
      env: io.env,
      cwd: io.cwd,
      handleSignals: true,
    });
    if (result.reason === 'interrupted') {
      io.stderr.write(`interrupted at step ${result.steps}; a checkpoint is in ${result.outputDir}. Continue with: tune run ${file} --resume\n`);
      return 130;
    }
    const outs = Object.entries(result.outputs).map(([k, v]) => `${k}: ${v}`).join(', ');
    io.stdout.write(`done: ${result.steps} steps (${result.reason}), final loss ${result.lastLoss.toFixed(4)}${outs ? `; ${outs}` : ''}\n`);
    return 0;
  },
});
