export * from './diagnostic.js';
export * from './format.js';
export { CODES, allCodes, isKnownCode, type CodeCatalog, type CodeInfo, type CoreCode } from './codes/index.js';
