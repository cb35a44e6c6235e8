/**
 * The mutable state rules work on (siggen's Result): the signature so far,
 * public notes, the debug log and extras.
 */
import type {
  SignatureDetails,
  SignatureExtra,
  SignatureOutput,
} from './types.js';

/** Signature generation state, passed from rule to rule. */
export class SignatureResult {
  /** The signature so far. */
  signature = '';
  /** Public notes, each `<Rule>: <message>`. */
  readonly notes: string[] = [];
  /** Debug lines, each `<Rule>: <message>`. */
  readonly debugLog: string[] = [];
  /** Extras recorded by the generation rule. */
  extra: SignatureExtra = {};

  /** Replaces the signature, logging the change. */
  setSignature(rule: string, signature: string): void {
    this.debug(rule, `signature "${this.signature}" -> "${signature}"`);
    this.signature = signature;
  }

  /** Adds a public note. */
  info(rule: string, message: string): void {
    this.notes.push(`${rule}: ${message}`);
  }

  /** Adds a debug line. */
  debug(rule: string, message: string): void {
    this.debugLog.push(`${rule}: ${message}`);
  }

  /** The `{signature, proto_signature, notes}` output. */
  toOutput(): SignatureOutput {
    return {
      signature: this.signature,
      proto_signature: this.extra.proto_signature ?? '',
      notes: [...this.notes],
    };
  }

  /** The output plus debug log and extras. */
  toDetails(): SignatureDetails {
    return {
      ...this.toOutput(),
      debug_log: [...this.debugLog],
      extra: structuredClone(this.extra),
    };
  }
}
