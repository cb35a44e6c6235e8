/**
 * Breakpad symbol files for the processor: parsing `.sym` text into indexed
 * tables, evaluating CFI and STACK WIN postfix programs, and finding symbol
 * files in local folders, the platform's GridFS store and HTTP servers.
 */
export { CachingSymbolSupplier } from './caching-supplier.js';
export type { CachingSymbolSupplierOptions } from './caching-supplier.js';
export { evaluateCfiRules, stackWinConstants } from './cfi-eval.js';
export type { CfiCallerValues } from './cfi-eval.js';
export { applyCfiDelta, parseCfiRuleSet } from './cfi-rules.js';
export { emitSymbolEvent } from './events.js';
export type { SymbolEvent, SymbolEventListener } from './events.js';
export { HttpSymbolSource } from './http-source.js';
export type { HttpSymbolSourceOptions } from './http-source.js';
export { OMITTED_NAME } from './inline-chain.js';
export { LocalSymbolSource } from './local-source.js';
export { evaluatePostfix, evaluateProgram } from './postfix.js';
export type { MemoryReader, PostfixOptions, ValueSource } from './postfix.js';
export { SymbolCache } from './symbol-cache.js';
export type { SymbolCacheOptions } from './symbol-cache.js';
export { RecordingSymbolSupplier } from './symbol-status.js';
export type { ModuleSymbolStatus } from './symbol-status.js';
export { SymbolTable } from './symbol-table.js';
export { readAll, StoreSymbolSource } from './store-source.js';
export type { StoreSymbolSourceOptions, SymbolStore } from './store-source.js';
export { readModuleRecord } from './sym-parser.js';
export type {
  SymbolFetchResult,
  SymbolLookupResult,
  SymbolsCorrupt,
  SymbolSource,
  SymbolsFound,
  SymbolsMissing,
  SymbolSupplier,
} from './supplier.js';
export type {
  CfiRules,
  StackWinRecord,
  SymCodeId,
  SymFunction,
  SymInlineFrame,
  SymLookup,
  SymModule,
  SymStats,
} from './types.js';
