/**
 * Crash signature generation compatible with Socorro's generator (siggen):
 * the same input shape, rule pipeline, frame normalization and output.
 */
export {
  generateSignature,
  generateSignatureDetails,
  runSignatureRules,
} from './generator.js';
export type { SignatureOptions } from './generator.js';
export { parseSignatureInput, SignatureInputError } from './input.js';
export {
  BUNDLED_LIST_DIR,
  buildListRegExp,
  defaultSignatureLists,
  loadSignatureLists,
  parseSignatureList,
  SignatureListError,
} from './lists.js';
export type {
  ConditionalSentinel,
  Sentinel,
  SignatureListName,
  SignatureListOptions,
  SignatureLists,
} from './lists.js';
export {
  MAXIMUM_FRAMES_TO_CONSIDER,
  normalizeFrame,
  normalizeThreadFrames,
} from './frames.js';
export {
  normalizeCppFunction,
  normalizeRustFunction,
} from './normalize-function.js';
export { signatureInputFromProcessedCrash } from './processed-crash.js';
export { SignatureResult } from './result.js';
export type { SignatureRule } from './rule.js';
export { defaultRuleset } from './ruleset.js';
export { SIGNATURE_MAX_LENGTH } from './rules/truncate.js';
export type {
  FrameParts,
  InlineFrame,
  JavaException,
  JavaExceptionFrame,
  SignatureDetails,
  SignatureExtra,
  SignatureInput,
  SignatureOutput,
  StackFrame,
  StackThread,
  UnloadedModule,
} from './types.js';
