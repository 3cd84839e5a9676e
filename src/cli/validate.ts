import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { diag, diagnosticsToJson, formatDiagnostics, type Diagnostic } from '../diagnostics/index.js';
import { checkRecipe } from '../plugin-host/recipe.js';
import { looksLikeOverride } from '../recipe/overrides.js';
import { catalogOf, defineCommand, usage } from './command.js';

const USAGE = `usage: tune validate [--format text|json] FILE|GLOB... [key.path=value ...] [~key.path ...]

Check recipes (YAML, extends, their plugins, schema, semantic rules) without loading a model.
Reports every problem of every file as FILE:LINE:COL: error CODE message.

options:
  --format text|json   text (default) or a JSON array of diagnostics on stdout
  -q, --quiet          print nothing for valid files
  -h, --help           show this help

Arguments of the form key.path=value or ~key.path are overrides applied to every file.
Exit status: 0 all valid, 1 some recipe invalid, 2 usage error.
`;


async function expand(patterns: string[], cwd: string): Promise<{ files: string[]; unmatched: string[] }> {
  const files: string[] = [];
  const unmatched: string[] = [];
  for (const p of patterns) {
    if (/[*?[\]{}]/.test(p) && !existsSync(resolve(cwd, p))) {
      const fg = (await import('fast-glob')).default;
      const found = (await fg(p.replace(/\\/g, '/'), { cwd, onlyFiles: true, dot: false })).sort();
      if (found.length === 0) unmatched.push(p);
      for (const f of found) if (!files.includes(f)) files.push(f);
    } else if (!files.includes(p)) files.push(p);
  }
  return { files, unmatched };
}

/** `tune validate`: check recipes and report all their diagnostics. */
export const command = defineCommand({
  name: 'validate',
  summary: 'check recipes against the schema and semantic rules',
  usage: USAGE,
  options: { format: { type: 'string', default: 'text' }, quiet: { type: 'boolean', short: 'q' } },
  async run({ values, positionals }, io) {
    const format = values.format;
    if (format !== 'text' && format !== 'json') throw usage('validate', `unknown --format \`${String(format)}\` (expected text or json)`);
    const overrides: string[] = [];
    const patterns: string[] = [];
    for (const a of positionals) {
      if (looksLikeOverride(a) && !existsSync(resolve(io.cwd, a))) overrides.push(a);
      else patterns.push(a);
    }
    if (patterns.length === 0) throw usage('validate', 'no recipe files given');
    const { files, unmatched } = await expand(patterns, io.cwd);
    const all: Diagnostic[] = unmatched.map((p) => diag('RECIPE_FILE_NOT_FOUND', `no file matches \`${p}\``, { file: p }));
    let invalid = unmatched.length;
    const okFiles: string[] = [];
    for (const f of files) {
      // With its plugins: their keys, options and checks are validated too.
      const { diagnostics } = await checkRecipe(f, { cwd: io.cwd, overrides, catalog: catalogOf(io) });
      all.push(...diagnostics);
      if (diagnostics.some((d) => d.severity === 'error')) invalid++;
      else okFiles.push(f);
    }
    const errors = all.filter((d) => d.severity === 'error').length;
    const warnings = all.filter((d) => d.severity === 'warning').length;
    if (format === 'json') {
      io.stdout.write(`${JSON.stringify(diagnosticsToJson(all), null, 2)}\n`);
    } else {
      if (all.length) io.stderr.write(formatDiagnostics(all));
      if (!values.quiet) {
        for (const f of okFiles) io.stdout.write(`ok ${f}\n`);
        const total = files.length + unmatched.length;
        io.stdout.write(
          `${total - invalid} of ${total} recipe${total === 1 ? '' : 's'} valid` +
            (errors || warnings ? ` (${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'})` : '') +
            '\n',
        );
      }
    }
    return invalid > 0 ? 1 : 0;
  },
});
