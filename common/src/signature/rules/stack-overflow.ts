/** StackOverflowSignature: stack overflows are prefixed with `stackoverflow | `. */
import type { SignatureRule } from '../rule.js';

const NAME = 'StackOverflowSignature';
/** Crash reasons that mean a stack overflow. */
const STACK_OVERFLOW_REASONS = ['EXCEPTION_STACK_OVERFLOW'];

/** The rule. */
export const stackOverflowRule: SignatureRule = {
  name: NAME,
  predicate: (input) =>
    !!input.reason && STACK_OVERFLOW_REASONS.includes(input.reason),
  action: (_input, result) => {
    result.setSignature(NAME, `stackoverflow | ${result.signature}`);
  },
};
