/**
 * SignatureRunWatchDog: a signature mentioning `RunWatchdog` is a shutdown
 * hang. The watchdog thread is not interesting; thread 0 (the main thread
 * that got stuck) is, so the signature is regenerated from thread 0 and
 * prefixed with `shutdownhang | `.
 */
import type { SignatureLists } from '../lists.js';
import type { SignatureRule } from '../rule.js';
import { generateBaseSignature } from './generation.js';

const NAME = 'SignatureRunWatchDog';

/**
 * Creates the rule bound to `lists`.
 * NOTE: siggen regenerates with its bundled lists here; this uses the
 * configured lists, which is the same unless a deployment changed them.
 */
export function createRunWatchdogRule(lists: SignatureLists): SignatureRule {
  return {
    name: NAME,
    predicate: (_input, result) => result.signature.includes('RunWatchdog'),
    action: (input, result) => {
      generateBaseSignature({ ...input, crashing_thread: 0 }, result, lists);
      result.setSignature(NAME, `shutdownhang | ${result.signature}`);
    },
  };
}
