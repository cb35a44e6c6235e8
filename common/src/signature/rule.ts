/** The contract every signature rule implements. */
import type { SignatureResult } from './result.js';
import type { SignatureInput } from './types.js';

/** One step of the signature pipeline. */
export interface SignatureRule {
  /** Name used in notes and the debug log (siggen's class name). */
  readonly name: string;
  /** Whether the rule applies; a rule without one always applies. */
  predicate?(input: SignatureInput, result: SignatureResult): boolean;
  /** Updates `result`. Throwing adds the note `<name>: Rule failed: <message>`. */
  action(input: SignatureInput, result: SignatureResult): void;
}
