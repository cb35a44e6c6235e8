/**
 * StackwalkerErrorSignatureRule: an `EMPTY` signature gets the stackwalker's
 * status appended, e.g. `EMPTY: no frame data available; ERROR_NO_THREAD_LIST`.
 */
import { isTruthy } from '../python.js';
import type { SignatureRule } from '../rule.js';

const NAME = 'StackwalkerErrorSignatureRule';

/** The rule. */
export const stackwalkerErrorRule: SignatureRule = {
  name: NAME,
  predicate: (input, result) =>
    result.signature.startsWith('EMPTY') && isTruthy(input.mdsw_status_string),
  action: (input, result) => {
    result.setSignature(
      NAME,
      `${result.signature}; ${input.mdsw_status_string ?? ''}`,
    );
  },
};
