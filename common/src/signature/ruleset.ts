/**
 * The default rule pipeline, in siggen's order. Order matters throughout:
 * each rule sees the signature the previous ones left.
 */
import type { SignatureLists } from './lists.js';
import type { SignatureRule } from './rule.js';
import { abortRule } from './rules/abort.js';
import { badHardwareRule } from './rules/bad-hardware.js';
import { createSignatureGenerationRule } from './rules/generation.js';
import { hungProcessRule } from './rules/hang.js';
import { ipcChannelErrorRule } from './rules/ipc-channel-error.js';
import { ipcMessageNameRule } from './rules/ipc-message-name.js';
import { oomRule } from './rules/oom.js';
import { printableCharsRule } from './rules/printable-chars.js';
import { createRunWatchdogRule } from './rules/run-watchdog.js';
import { shutdownTimeoutRule } from './rules/shutdown-timeout.js';
import { stackOverflowRule } from './rules/stack-overflow.js';
import { stackwalkerErrorRule } from './rules/stackwalker-error.js';
import { truncateRule } from './rules/truncate.js';
import { fixWhitespaceRule } from './rules/whitespace.js';

/**
 * Socorro's default ruleset, bound to `lists`.
 *
 * @param lists - the signature lists the stack rules use
 */
export function defaultRuleset(
  lists: SignatureLists,
): readonly SignatureRule[] {
  return [
    // Must be first: every other rule works on the base signature.
    createSignatureGenerationRule(lists),
    // Right after generation, while an EMPTY signature is still bare.
    stackwalkerErrorRule,
    badHardwareRule,
    // Reads the generated stack (NS_ABORT_OOM, ...) before prefixes are added;
    // may drop the stack entirely (`OOM | small`).
    oomRule,
    abortRule,
    // Replaces the signature, discarding the prefixes above.
    shutdownTimeoutRule,
    // Regenerates from thread 0, discarding everything above.
    createRunWatchdogRule(lists),
    // Replaces the signature, so it overrides all of the above.
    ipcChannelErrorRule,
    // Appends to whatever the rules above produced, IPC errors included.
    ipcMessageNameRule,
    stackOverflowRule,
    // Outermost prefix: `hang: ... | stackoverflow | ...`.
    hungProcessRule,
    // The last three always run, in this order: clean characters, then
    // whitespace, then cut to length so the cut is not undone.
    printableCharsRule,
    fixWhitespaceRule,
    truncateRule,
  ];
}
