import { parseArgs } from 'node:util';
import { fail } from '../diagnostics/index.js';
import { loadRecipe, looksLikeOverride } from '../recipe/index.js';
import { runRecipe } from '../train/run.js';
import type { Command } from './command.js';

const USAGE = `usage: tune run RECIPE [key.path=value ...] [~key.path ...] [--resume [latest|PATH]] [--backend auto|tensorflow|native|wasm|cpu]

Train a recipe. Overrides apply before validation. Ctrl-C (SIGINT) or SIGTERM finishes the current
step, saves a checkpoint and exits; continue with --resume.`;

export const command: Command = {
  name: 'run',
  summary: 'train a recipe (full, LoRA, QLoRA); Ctrl-C saves a checkpoint',
  usage: USAGE,
  async run(argv, io) {
    // `--resume` takes an optional value: a bare `--resume` means latest.
    const args = argv.flatMap((a, i) => (a === '--resume' && (argv[i + 1] === undefined || argv[i + 1]?.startsWith('-') || looksLikeOverride(argv[i + 1] as string) || /\.ya?ml$/.test(argv[i + 1] as string)) ? ['--resume=latest'] : [a]));
    let parsed;
    try {
      parsed = parseArgs({ args, allowPositionals: true, options: { resume: { type: 'string' }, backend: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
    } catch (e) {
      fail('CLI_USAGE', (e as Error).message, { hint: USAGE });
    }
    if (parsed.values.help) {
      io.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const [file, ...rest] = parsed.positionals;
    if (!file) fail('CLI_USAGE', 'tune run needs a recipe file', { hint: USAGE });
    const backend = parsed.values.backend;
    if (backend !== undefined && !['auto', 'tensorflow', 'native', 'wasm', 'cpu'].includes(backend)) fail('CLI_USAGE', `unknown backend \`${backend}\``, { expected: 'auto | tensorflow | native | wasm | cpu' });
    const bad = rest.filter((r) => !looksLikeOverride(r));
    if (bad.length) fail('CLI_USAGE', `unexpected argument \`${bad[0]}\``, { expected: 'key.path=value or ~key.path overrides after the recipe', hint: USAGE });
    const recipe = await loadRecipe(file, { overrides: rest, cwd: io.cwd });
    const result = await runRecipe(recipe, {
      ...(parsed.values.resume !== undefined ? { resume: parsed.values.resume } : {}),
      ...(backend ? { backend: backend as 'auto' } : {}),
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
};
