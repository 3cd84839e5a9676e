/**
 * Which backend a run would use, decided the way `initEngine` decides it but without importing
 * anything: packages and the native addon are looked for as files, so `tune plan` never loads a
 * tensor backend. Order for `auto`: @tensorflow/tfjs-node-gpu, @tensorflow/tfjs-node (backend
 * `tensorflow`), the native addon (`native`), wasm.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type PlannedBackend = 'tensorflow' | 'native' | 'wasm' | 'cpu';

/** The backend a plan assumes, and why. */
export interface EngineChoice {
  requested: string;
  backend: PlannedBackend;
  reason: string;
  /** The backend's tensors live in a wasm32 heap capped at 4 GiB. */
  heapCapped: boolean;
}

/** What the probe looks at; tests replace it. */
export interface EngineProbe {
  /** Is an npm package installed (its package.json findable from this package)? */
  installed(pkg: string): boolean;
  /** Is the native addon built and not disabled? */
  nativeAddon(): boolean;
}

const TENSORFLOW_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

/** Looks for `node_modules/<pkg>/package.json` from the package root upwards, as Node's resolver would. */
export function fileProbe(env: NodeJS.ProcessEnv = process.env): EngineProbe {
  const root = packageRoot();
  return {
    installed(pkg) {
      let dir = root;
      for (;;) {
        if (existsSync(join(dir, 'node_modules', pkg, 'package.json'))) return true;
        const up = dirname(dir);
        if (up === dir) return false;
        dir = up;
      }
    },
    nativeAddon: () => env['TUNEKIT_NATIVE'] !== '0' && existsSync(join(root, 'native/build/Release/tunekit_native.node')),
  };
}

/**
 * The backend `requested` resolves to on this machine.
 *
 * @example
 * chooseEngine('auto') // { backend: 'wasm', reason: 'auto → wasm (tfjs-node not installed, native addon not built)', … }
 */
export function chooseEngine(requested: string, probe: EngineProbe = fileProbe()): EngineChoice {
  const pick = (backend: PlannedBackend, reason: string): EngineChoice => ({ requested, backend, reason, heapCapped: backend === 'wasm' });
  if (requested !== 'auto') return pick(requested as PlannedBackend, `${requested} (requested)`);
  const tfPkg = TENSORFLOW_PACKAGES.find((p) => probe.installed(p));
  if (tfPkg) return pick('tensorflow', `auto → tensorflow (${tfPkg} installed)`);
  if (probe.nativeAddon()) return pick('native', 'auto → native (tfjs-node not installed; native addon built)');
  return pick('wasm', 'auto → wasm (tfjs-node not installed, native addon not built)');
}
