/**
 * Runs a ruleset over a signature input (siggen's SignatureGenerator).
 */
import { defaultSignatureLists, type SignatureLists } from './lists.js';
import { SignatureResult } from './result.js';
import type { SignatureRule } from './rule.js';
import { defaultRuleset } from './ruleset.js';
import type {
  SignatureDetails,
  SignatureInput,
  SignatureOutput,
} from './types.js';

/** Options of {@link generateSignature}. */
export interface SignatureOptions {
  /** Lists to use; the bundled ones (read once) by default. */
  readonly lists?: SignatureLists;
  /** Rules to run instead of {@link defaultRuleset}. */
  readonly ruleset?: readonly SignatureRule[];
  /** Called when a rule throws (for error reporting); generation goes on. */
  readonly onRuleError?: (error: unknown, rule: string) => void;
}

/**
 * The message of a thrown value.
 * LIMITATION: "Rule failed" notes quote the JavaScript error message, not
 * Python's exception text, so those notes differ from siggen's word for word.
 */
function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Runs `rules` in order. A rule that throws adds the note
 * `<rule>: Rule failed: <message>` and the next rule runs.
 */
export function runSignatureRules(
  input: SignatureInput,
  rules: readonly SignatureRule[],
  onRuleError?: (error: unknown, rule: string) => void,
): SignatureResult {
  const result = new SignatureResult();
  for (const rule of rules) {
    try {
      if (!rule.predicate || rule.predicate(input, result)) {
        rule.action(input, result);
      }
    } catch (error) {
      onRuleError?.(error, rule.name);
      result.info(rule.name, `Rule failed: ${messageOf(error)}`);
    }
  }
  return result;
}

/** The rules for `options`. */
function rulesFor(options: SignatureOptions): readonly SignatureRule[] {
  return (
    options.ruleset ?? defaultRuleset(options.lists ?? defaultSignatureLists())
  );
}

/**
 * Generates the signature with its debug log and extras (`normalized_frames`),
 * for the web API's `extra` and the processor's `signature_debug`.
 *
 * @param input - validated signature input (see `parseSignatureInput`)
 * @param options - lists, ruleset, error callback
 */
export function generateSignatureDetails(
  input: SignatureInput,
  options: SignatureOptions = {},
): SignatureDetails {
  return runSignatureRules(
    input,
    rulesFor(options),
    options.onRuleError,
  ).toDetails();
}

/**
 * Generates `{signature, proto_signature, notes}` exactly as siggen's
 * `signify` prints them.
 *
 * @param input - validated signature input (see `parseSignatureInput`)
 * @param options - lists, ruleset, error callback
 */
export function generateSignature(
  input: SignatureInput,
  options: SignatureOptions = {},
): SignatureOutput {
  return runSignatureRules(
    input,
    rulesFor(options),
    options.onRuleError,
  ).toOutput();
}
