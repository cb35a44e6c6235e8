/** SigPrintableCharsOnly: keeps printable ASCII characters only. */
import { pyStrip } from '../python.js';
import type { SignatureRule } from '../rule.js';

const PRINTABLE = 'SigPrintableCharsOnly';

/** SigPrintableCharsOnly: keeps printable ASCII only (after trimming). */
export const printableCharsRule: SignatureRule = {
  name: PRINTABLE,
  action: (_input, result) => {
    const original = result.signature;
    const cleaned = pyStrip(original).replace(/[^\x20-\x7e]/g, '');
    // NOTE: trimming alone also counts as a change and adds the note, as in siggen.
    if (cleaned !== original) {
      result.setSignature(PRINTABLE, cleaned);
      result.info(PRINTABLE, 'unprintable characters removed');
    }
  },
};
