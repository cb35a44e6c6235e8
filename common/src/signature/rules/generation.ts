/**
 * SignatureGenerationRule: the base signature, from the Java stack trace,
 * the structured Java exception, or the crashing thread's stack.
 */
import { crashingThreadIndex, threadAt } from '../crash-data.js';
import { normalizeThreadFrames } from '../frames.js';
import { javaExceptionSignature } from '../java-exception.js';
import { javaStackTraceSignature } from '../java-stack-trace.js';
import type { SignatureLists } from '../lists.js';
import { isTruthy } from '../python.js';
import type { SignatureResult } from '../result.js';
import type { SignatureRule } from '../rule.js';
import {
  signatureFromFrames,
  type StackSignature,
} from '../stack-signature.js';
import type { SignatureInput } from '../types.js';

/** The rule's name in notes. */
export const GENERATION_RULE = 'SignatureGenerationRule';

/** Records a tool's outcome in the result. */
function record(result: SignatureResult, outcome: StackSignature): void {
  outcome.notes.forEach((note) => result.info(GENERATION_RULE, note));
  outcome.debug.forEach((line) => result.debug(GENERATION_RULE, line));
}

/** The C/C++/Rust path: normalize the crashing thread and walk it. */
function stackSignature(
  input: SignatureInput,
  result: SignatureResult,
  lists: SignatureLists,
): void {
  const index = crashingThreadIndex(input);
  const frames = normalizeThreadFrames(
    threadAt(input, index) ?? {},
    input.os === 'Windows NT',
    lists.lineNumbers,
  );
  const outcome = signatureFromFrames(frames, index, lists);
  if (frames.length > 0) {
    result.extra.proto_signature = frames.join(' | ');
    result.extra.normalized_frames = frames;
  }
  record(result, outcome);
  if (outcome.signature) {
    result.setSignature(GENERATION_RULE, outcome.signature);
  }
}

/**
 * Sets the base signature. The Java stack trace wins over the Java
 * exception, which wins over the native stack.
 *
 * @param input - the signature input
 * @param result - updated in place
 * @param lists - the signature lists
 */
export function generateBaseSignature(
  input: SignatureInput,
  result: SignatureResult,
  lists: SignatureLists,
): void {
  if (isTruthy(input.java_stack_trace)) {
    result.debug(GENERATION_RULE, 'using the Java stack trace');
    const outcome = javaStackTraceSignature(input.java_stack_trace);
    record(result, outcome);
    result.setSignature(GENERATION_RULE, outcome.signature);
    return;
  }
  if (isTruthy(input.java_exception)) {
    result.debug(GENERATION_RULE, 'using the Java exception');
    const outcome = javaExceptionSignature(input.java_exception);
    record(result, outcome);
    result.setSignature(GENERATION_RULE, outcome.signature);
    return;
  }
  result.debug(GENERATION_RULE, 'using the native stack');
  stackSignature(input, result, lists);
}

/** Creates the rule bound to `lists`. */
export function createSignatureGenerationRule(
  lists: SignatureLists,
): SignatureRule {
  return {
    name: GENERATION_RULE,
    action: (input, result) => generateBaseSignature(input, result, lists),
  };
}
