#!/usr/bin/env node
/**
 * Optional build of the native addon (run by `npm install` / `npm ci` through the package's
 * `install` script, or by hand with `npm run build:native`). Never fails the install and never
 * downloads anything: without a C compiler, OpenBLAS headers or Node's headers it prints one
 * notice and exits 0, and tunekit falls back to the wasm engine.
 *   TUNEKIT_SKIP_NATIVE=1  skip the build;  --verbose  show the compiler output.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const verbose = process.argv.includes('--verbose');
const notice = (why) => {
  process.stdout.write(`tunekit: native CPU engine not built (${why}); using the wasm engine. See native/README.md.\n`);
  process.exit(0);
};

if (process.env.TUNEKIT_SKIP_NATIVE === '1') notice('TUNEKIT_SKIP_NATIVE=1');

const includeDirs = ['/usr/include', '/usr/include/x86_64-linux-gnu', '/usr/include/aarch64-linux-gnu', '/usr/include/openblas', '/usr/local/include'];
if (!includeDirs.some((d) => existsSync(join(d, 'cblas.h')))) notice('OpenBLAS headers not found: apt-get install -y libopenblas-dev');

// Node's own headers, from the installation running us (no download).
const candidates = [dirname(dirname(process.execPath)), join(homedir(), '.cache', 'node-gyp', process.versions.node)];
const nodedir = candidates.find((d) => existsSync(join(d, 'include', 'node', 'node_api.h')));
if (!nodedir) notice('Node.js headers not found next to the node binary');

const gypCandidates = [
  process.env.npm_config_node_gyp,
  join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'),
].filter(Boolean);
const gyp = gypCandidates.find((p) => existsSync(p));
if (!gyp) notice('node-gyp not found (it ships with npm)');

const r = spawnSync(process.execPath, [gyp, 'rebuild', `--nodedir=${nodedir}`], {
  cwd: here,
  encoding: 'utf8',
  stdio: verbose ? 'inherit' : 'pipe',
  env: { ...process.env, npm_config_nodedir: nodedir },
});
if (r.status !== 0) {
  const lines = `${r.stderr ?? ''}${r.stdout ?? ''}`.split('\n').filter((l) => /error/i.test(l) && !/gyp ERR! (stack|cwd|node -v|node-gyp -v|System|command)/.test(l));
  rmSync(join(here, 'build'), { recursive: true, force: true });
  notice(`build failed: ${(lines[0] ?? r.error?.message ?? `exit ${r.status}`).trim().slice(0, 160)}`);
}
process.stdout.write('tunekit: native CPU engine built (OpenBLAS).\n');
