import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';

/**
 * Node flags that make any resolution of an `@tensorflow` module, ESM or CommonJS, throw
 * `TFJS_LOADED` in the child process — to prove a command never loads TensorFlow.js.
 */
export const NO_TFJS_ARGS: readonly string[] = [
  '--import',
  'tsx',
  '--import',
  'data:text/javascript,' +
    encodeURIComponent(
      [
        "import Module, { register } from 'node:module';",
        'const orig = Module._resolveFilename;',
        "Module._resolveFilename = function (...a) { const r = orig.apply(this, a); if (r.includes('@tensorflow')) throw new Error('TFJS_LOADED ' + r); return r; };",
        `register('data:text/javascript,' + encodeURIComponent('export async function resolve(s, c, n) { const r = await n(s, c); if (r.url.includes("@tensorflow")) throw new Error("TFJS_LOADED " + r.url); return r; }'));`,
      ].join('\n'),
    ),
];

/** Check the guard itself catches a TensorFlow.js import (a test of the test). */
export function assertGuardWorks(cwd: string): void {
  const control = spawnSync(process.execPath, [...NO_TFJS_ARGS, '-e', "await import('@tensorflow/tfjs-core')", '--input-type=module'], { cwd, encoding: 'utf8' });
  assert.match(control.stderr, /TFJS_LOADED/, 'the guard must catch a TensorFlow.js import');
}

/** Run the CLI under the guard; fails the test if TensorFlow.js (or an internal error) shows up. */
export function runCliWithoutTfjs(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
  const child = spawnSync(process.execPath, [...NO_TFJS_ARGS, 'src/cli/main.ts', ...args], { cwd, encoding: 'utf8', env });
  assert.doesNotMatch(child.stderr, /TFJS_LOADED|INTERNAL/, child.stderr);
  return child;
}
