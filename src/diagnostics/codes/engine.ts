import type { CodeCatalog } from './types.js';

export const ENGINE_CODES = {
  ENGINE_UNKNOWN_BACKEND: { summary: 'the requested backend is not `auto` nor one that a loaded plugin registers' },
  ENGINE_BACKEND_UNAVAILABLE: {
    summary: 'the requested backend is not installed or cannot be loaded on this machine',
  },
  ENGINE_WASM_HEAP: {
    summary: 'the run needs more memory than the wasm backend’s 4 GiB heap can hold',
  },
  RUNNER_HOOK_UNSUPPORTED: { summary: 'a plugin needs a hook that the runner of the chosen backend does not call (e.g. an in-process loss term on an out-of-process runner)' },
} as const satisfies CodeCatalog;
