/**
 * The signature rule: builds the signature generator's input from the
 * processed crash, as Socorro does, and stores signature, proto signature
 * and the generator's debug log. The generator's notes join the processor
 * notes.
 */
import {
  defaultSignatureLists,
  generateSignatureDetails,
  signatureInputFromProcessedCrash,
  type SignatureLists,
} from '@crashstats/common';
import type { Rule } from './rule.js';

/** Creates the signature rule over the given lists. */
export function createSignatureRule(
  lists: SignatureLists = defaultSignatureLists(),
): Rule {
  return {
    name: 'signature',
    run(state) {
      const input = signatureInputFromProcessedCrash(state.processed);
      const details = generateSignatureDetails(input, { lists });
      state.processed.signature = details.signature;
      state.processed.proto_signature = details.extra.proto_signature ?? '';
      state.processed.signature_debug = details.debug_log.join('\n');
      state.notes.push(...details.notes);
      // Shutdown hangs are signed from the main thread; point the crashing
      // thread there so the report shows the stack the signature came from.
      if (details.signature.startsWith('shutdownhang')) {
        state.processed.crashing_thread = 0;
      }
    },
  };
}
