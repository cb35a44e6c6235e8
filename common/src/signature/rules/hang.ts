/** HungProcess: a `Hang` annotation prefixes `hang: <value> | `. */
import { pyStr } from '../python.js';
import type { SignatureRule } from '../rule.js';

const NAME = 'HungProcess';

/** The rule. */
export const hungProcessRule: SignatureRule = {
  name: NAME,
  // Any value counts, even an empty string or 0; only a missing one does not.
  predicate: (input) => input.hang !== null && input.hang !== undefined,
  action: (input, result) => {
    result.setSignature(
      NAME,
      `hang: ${pyStr(input.hang)} | ${result.signature}`,
    );
  },
};
