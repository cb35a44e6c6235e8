/**
 * The processor's rulesets, as explicit ordered lists. Order matters where
 * a rule reads what an earlier one wrote; each such place has a comment.
 */
// LIMITATION: some of Socorro's rules are not ported (memory reports, beta
// versions, and those that need walker output we do not produce yet); see
// docs/limitations.md.
import {
  addonsRule,
  cleanRawRule,
  copyAnnotationsRule,
  crashReasonRule,
  datesRule,
  identityRule,
  phcRule,
  pluginRule,
  processTypeRule,
  productRule,
  reportTypeRule,
  submittedFromRule,
  userDataRule,
} from './rules/annotations.js';
import { breadcrumbsRule } from './rules/breadcrumbs.js';
import { platformRule } from './rules/platform.js';
import type { Rule } from './rules/rule.js';
import type { Rulesets } from './processor.js';

/** Rules that need engines built elsewhere (stack walker, signatures). */
export interface EngineRules {
  /** Walks every minidump; fills json_dump, OS, CPU, crash info. */
  minidump?: Rule;
  /** Computes the signature from the processed crash. */
  signature?: Rule;
  /** Releases what the engines hold (worker threads), at shutdown. */
  close?: () => Promise<void>;
}

/** Builds the `default` and `regenerate_signature` rulesets. */
export function createRulesets(engines: EngineRules = {}): Rulesets {
  const defaultRules: Rule[] = [
    // First: every other rule reads the cleaned raw crash.
    cleanRawRule,
    identityRule,
    productRule,
    datesRule,
    processTypeRule,
    addonsRule,
    // Before the signature: abort message, OOM size and IPC fields feed it.
    crashReasonRule,
    userDataRule,
    submittedFromRule,
    pluginRule,
    phcRule,
    breadcrumbsRule,
    // Before the signature: `hang` and the Java exception feed it.
    copyAnnotationsRule,
  ];
  if (engines.minidump) {
    // Before the signature, which is built from the walked stacks.
    defaultRules.push(engines.minidump);
  }
  // After the minidump rule: both start from what the stack walk found;
  // the report type also reads the IPC and shutdown fields copied above.
  defaultRules.push(platformRule, reportTypeRule);
  if (engines.signature) {
    defaultRules.push(engines.signature);
  }
  return {
    default: defaultRules,
    regenerate_signature: engines.signature ? [engines.signature] : [],
  };
}
