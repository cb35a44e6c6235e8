/**
 * SigFixWhitespace: trims, turns every whitespace character into a space and
 * collapses runs of spaces.
 */
import { collapseSpaceRuns, pyStrip, spacesOnly } from '../python.js';
import type { SignatureRule } from '../rule.js';

const WHITESPACE = 'SigFixWhitespace';

/** SigFixWhitespace: trims, turns whitespace into spaces, collapses runs. */
export const fixWhitespaceRule: SignatureRule = {
  name: WHITESPACE,
  action: (_input, result) => {
    const original = result.signature;
    const fixed = collapseSpaceRuns(spacesOnly(pyStrip(original)));
    if (fixed !== original) {
      result.setSignature(WHITESPACE, fixed);
    }
  },
};
