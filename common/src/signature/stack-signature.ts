/**
 * Chooses the signature frames from a list of normalized frames (siggen's
 * CSignatureTool): start at the earliest sentinel, skip irrelevant frames and
 * repeated library frames, keep prefix frames and stop after the first frame
 * that is not a prefix.
 */
import type { Sentinel, SignatureLists } from './lists.js';

/** What the stack walk produced. */
export interface StackSignature {
  /** The signature, or an `EMPTY: ...` explanation. */
  signature: string;
  /** Public notes (without the rule name). */
  notes: string[];
  /** Debug lines (without the rule name). */
  debug: string[];
}

/** Index of the earliest applicable sentinel in `frames`, or -1. */
function earliestSentinel(
  frames: readonly string[],
  sentinels: readonly Sentinel[],
): number {
  let earliest = -1;
  for (const sentinel of sentinels) {
    if (typeof sentinel !== 'string' && !sentinel.when(frames)) {
      continue;
    }
    const index = frames.indexOf(
      typeof sentinel === 'string' ? sentinel : sentinel.frame,
    );
    if (index !== -1 && (earliest === -1 || index < earliest)) {
      earliest = index;
    }
  }
  return earliest;
}

/**
 * A library-ish frame (a module without symbols, `XUL`, `<name omitted>`,
 * `<unknown in ...>`): repeats of it collapse into one.
 */
function isLibraryFrame(frame: string): boolean {
  if (frame.startsWith('(unloaded')) {
    return false;
  }
  const lower = frame.toLowerCase();
  return (
    lower.endsWith('.dll') ||
    lower.endsWith('.so') ||
    frame === 'XUL' ||
    frame === '<name omitted>' ||
    frame.startsWith('<unknown in')
  );
}

/** Walks the frames and returns the chosen ones. */
function chooseFrames(
  frames: readonly string[],
  lists: SignatureLists,
  debug: string[],
): string[] {
  const chosen: string[] = [];
  for (const frame of frames) {
    if (frame === '') {
      debug.push('skipped an empty frame');
      continue;
    }
    if (lists.irrelevant.test(frame)) {
      debug.push(`irrelevant, skipped: "${frame}"`);
      continue;
    }
    if (isLibraryFrame(frame) && chosen[chosen.length - 1] === frame) {
      debug.push(`repeated library frame, skipped: "${frame}"`);
      continue;
    }
    chosen.push(frame);
    if (!lists.prefix.test(frame)) {
      debug.push(`not a prefix, stopped at: "${frame}"`);
      break;
    }
    debug.push(`prefix, kept walking: "${frame}"`);
  }
  return chosen;
}

/**
 * Builds the signature from normalized frames.
 *
 * @param normalized - the normalized frames of the crashing thread
 * @param crashingThread - the thread index they came from, or null when no
 * thread was identified
 * @param lists - the signature lists
 */
export function signatureFromFrames(
  normalized: readonly string[],
  crashingThread: number | null,
  lists: SignatureLists,
): StackSignature {
  const notes: string[] = [];
  const debug = [`lists: ${lists.sources.join(', ')}`];
  let frames = normalized;
  const start = earliestSentinel(frames, lists.sentinels);
  if (start !== -1) {
    debug.push(
      `sentinel "${frames[start] ?? ''}" at index ${start}; starting there`,
    );
    frames = frames.slice(start);
  }
  let signature = chooseFrames(frames, lists, debug).join(' | ');
  if (signature === '') {
    if (crashingThread === null) {
      notes.push('CSignatureTool: no crashing thread identified');
      signature = 'EMPTY: no crashing thread identified';
    } else {
      notes.push(
        `CSignatureTool: no frame data for crashing thread (${crashingThread})`,
      );
      // Every frame was skipped: fall back to the first one.
      signature =
        frames.length > 0
          ? (frames[0] ?? '')
          : 'EMPTY: no frame data available';
    }
  }
  return { signature, notes, debug };
}
