/**
 * Runs a ruleset over one crash. Each rule is isolated: a rule that throws
 * leaves a public note naming only the error's class (notes are public;
 * messages may hold private data), is logged and counted, and processing
 * goes on with the next rule.
 */
import type { Logger } from '@crashstats/common';
import type { ProcessorMetrics } from './metrics.js';
import type { ProcessingState, Rule } from './rules/rule.js';

/** Runs every rule in order; returns the names of the rules that failed. */
export async function runRules(
  rulesetName: string,
  rules: readonly Rule[],
  state: ProcessingState,
  log: Logger,
  metrics: ProcessorMetrics,
): Promise<string[]> {
  const failed: string[] = [];
  for (const rule of rules) {
    if (state.signal.aborted) {
      state.notes.push(
        `ruleset '${rulesetName}' stopped at rule '${rule.name}': time limit`,
      );
      failed.push(rule.name);
      break;
    }
    const end = metrics.ruleSeconds.startTimer({ rule: rule.name });
    try {
      await rule.run(state);
    } catch (err) {
      const name = err instanceof Error ? err.name : 'Error';
      state.notes.push(
        `ruleset '${rulesetName}' rule '${rule.name}' failed: ${name}`,
      );
      metrics.ruleFailures.inc({ rule: rule.name, error: name });
      log.warn({ crashId: state.crashId, rule: rule.name, err }, 'rule failed');
      failed.push(rule.name);
    } finally {
      end();
    }
  }
  return failed;
}
