/**
 * The in-process TensorFlow.js engines as a plugin: the backends `tensorflow` (tfjs-node, when
 * installed), `native` (the OpenBLAS addon), `wasm` and `cpu`, and the Runner that trains on them in
 * this process. TensorFlow-free: the probes look for files; the runner loads on first use.
 */
import { RUNNER_HOOKS, TFJS_BACKENDS, definePlugin } from '../../src/plugin-api.js';

export default definePlugin({
  name: 'tfjs',
  version: '0.1.0',
  description: 'in-process TensorFlow.js engines (tensorflow, native, wasm, cpu) and their trainer',
  backends: TFJS_BACKENDS,
  runners: [
    {
      name: 'in-process',
      // It is the process the plugins run in: every hook is called.
      honours: RUNNER_HOOKS,
      create: async () => (await import('../../src/index.js')).inProcessRunner(),
    },
  ],
});
