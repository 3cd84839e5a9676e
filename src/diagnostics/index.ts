export * from './diagnostic.js';
export * from './format.js';
export { CODES, isKnownCode, type CodeInfo } from './codes/index.js';
