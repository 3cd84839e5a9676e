import type { CodeInfo } from './index.js';

export const ENGINE_CODES: Record<string, CodeInfo> = {
  ENGINE_UNKNOWN_BACKEND: { summary: 'the requested backend is not one of auto, tensorflow, native, wasm, cpu' },
  ENGINE_BACKEND_UNAVAILABLE: {
    summary: 'the requested backend is not installed or cannot be loaded on this machine',
  },
  ENGINE_WASM_HEAP: {
    summary: 'the run needs more memory than the wasm backend’s 4 GiB heap can hold',
  },
};
