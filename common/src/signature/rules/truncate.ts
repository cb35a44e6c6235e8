/** SigTruncate: signatures are at most 255 characters long. */
import { codePointLength, codePointPrefix } from '../python.js';
import type { SignatureRule } from '../rule.js';

/** Signatures longer than this are truncated. */
export const SIGNATURE_MAX_LENGTH = 255;

const TRUNCATE = 'SigTruncate';

/** SigTruncate: over 255 characters → the first 252 plus `...`. */
export const truncateRule: SignatureRule = {
  name: TRUNCATE,
  predicate: (_input, result) =>
    codePointLength(result.signature) > SIGNATURE_MAX_LENGTH,
  action: (_input, result) => {
    const kept = codePointPrefix(result.signature, SIGNATURE_MAX_LENGTH - 3);
    result.setSignature(TRUNCATE, `${kept}...`);
    result.info(TRUNCATE, 'SigTrunc: signature truncated due to length');
  },
};
