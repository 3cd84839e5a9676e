import { cpus, totalmem } from 'node:os';
import { BackendRegistry } from '../engine/registry.js';
import { formatBytes } from '../plan/memory.js';
import { catalogOf, defineCommand, usage } from './command.js';

const USAGE = `usage: tune env [--format text|json] [RECIPE]

What this machine can run: every registered backend with its probe (available or not, and why),
which one \`engine.backend: auto\` picks, the Runner that executes it, and Node, CPU and memory.
With RECIPE, the backends its own plugins register are listed too. Nothing is loaded: the probes
look for files and packages.
`;

/** `tune env`: the backends this machine can run, by probe. */
export const command = defineCommand({
  name: 'env',
  summary: 'list the backends this machine can run (and which one `auto` picks)',
  usage: USAGE,
  options: { format: { type: 'string', default: 'text' } },
  async run({ values, positionals }, io) {
    if (values.format !== 'text' && values.format !== 'json') throw usage('env', '--format must be text or json', { found: String(values.format) });
    if (positionals.length > 1) throw usage('env', 'at most one RECIPE');
    const recipe = positionals[0];
    const backends =
      recipe === undefined
        ? new BackendRegistry(catalogOf(io).plugins.flatMap((p) => p.backends ?? []))
        : (await (await import('../plugin-host/recipe.js')).recipeFilePlugins(recipe, { cwd: io.cwd, catalog: catalogOf(io) })).backends;
    const auto = backends.choose('auto', io.env);
    const rows = backends.list().map((b) => ({ name: b.name, ...b.probe(io.env), runner: b.runner, auto: b.autoOrder !== null, summary: b.summary }));
    const machine = { node: process.version, platform: `${process.platform}-${process.arch}`, cores: cpus().length, memoryBytes: totalmem() };
    if (values.format === 'json') {
      io.stdout.write(`${JSON.stringify({ backends: rows, auto: { backend: auto.backend, reason: auto.reason }, machine }, null, 2)}\n`);
      return 0;
    }
    const width = Math.max(...rows.map((r) => r.name.length));
    const lines = rows.map((r) => `  ${r.name.padEnd(width)}  ${r.available ? 'available  ' : 'unavailable'}  ${r.reason}${r.auto ? '' : ' (only when named)'}; runner ${r.runner}`);
    io.stdout.write(
      [`backends (in the order \`auto\` tries them)`, ...lines, '', `auto → ${auto.backend}`, `node ${machine.node} on ${machine.platform}, ${machine.cores} cores, ${formatBytes(machine.memoryBytes)}`, ''].join('\n'),
    );
    return 0;
  },
});
