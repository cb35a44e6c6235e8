/**
 * Signatures from a Java stack trace given as text (`JavaStackTrace`): the
 * exception class and description from line 1, the top frame from line 2.
 */
import { codePointLength, pyStrip, splitLines } from './python.js';
import type { StackSignature } from './stack-signature.js';

/** Longer signatures lose the exception description. */
const DESCRIPTION_MAX_LENGTH = 255;
const HEX_ADDRESS = /@[0-9a-f]{8}/g;
const JAVA_LINE_NUMBER = /\.java:\d+\)$/;
const NOT_EXPECTED = 'EMPTY: Java stack trace not in expected format';

/** Joins the non-empty parts. */
function joinNonEmpty(separator: string, parts: readonly string[]): string {
  return parts.filter((part) => part !== '').join(separator);
}

/** Splits line 1 into the exception class and its description. */
function exceptionLine(
  line: string,
  notes: string[],
): { className: string; description: string } {
  const colon = line.indexOf(':');
  if (colon === -1) {
    notes.push(
      'JavaSignatureTool: stack trace line 1 is not in the expected format',
    );
    return { className: line, description: '' };
  }
  return {
    className: pyStrip(line.slice(0, colon)),
    description: pyStrip(line.slice(colon + 1).replace(HEX_ADDRESS, '@<addr>')),
  };
}

/** Line 2 without its `.java:NN)` line number. */
function topFrame(line: string | undefined, notes: string[]): string {
  if (line === undefined) {
    notes.push('JavaSignatureTool: stack trace line 2 is missing');
    return '';
  }
  const method = line.replace(JAVA_LINE_NUMBER, '.java)');
  if (method === '') {
    notes.push('JavaSignatureTool: stack trace line 2 is empty');
  }
  return method;
}

/**
 * Signature of a Java stack trace: `Class: description frame`. When the
 * description ends with an `@<addr>` placeholder a `: ` separates it from the
 * frame (a historical quirk kept for continuity, bug 865142). Over 255
 * characters the description is dropped.
 *
 * @param source - the `java_stack_trace` value
 */
export function javaStackTraceSignature(source: unknown): StackSignature {
  const lines =
    typeof source === 'string' ? splitLines(source).map(pyStrip) : [];
  const [first, second] = lines;
  if (first === undefined) {
    return {
      signature: NOT_EXPECTED,
      notes: ['JavaSignatureTool: stack trace not in expected format'],
      debug: [],
    };
  }
  const notes: string[] = [];
  const { className, description } = exceptionLine(first, notes);
  const method = topFrame(second, notes);
  let signature = description.endsWith('<addr>')
    ? joinNonEmpty(': ', [className, description, method])
    : joinNonEmpty(': ', [className, joinNonEmpty(' ', [description, method])]);
  if (codePointLength(signature) > DESCRIPTION_MAX_LENGTH) {
    signature = `${className}: ${method}`;
    notes.push(
      'JavaSignatureTool: dropped Java exception description due to length',
    );
  }
  return { signature, notes, debug: [] };
}
