/**
 * Ordering of product version strings such as `128.0`, `128.0.1`, `128.0b3`,
 * `128.0a1` and `115.12.0esr`: numeric parts compare as numbers, and a
 * pre-release (`a` alpha, `b` beta) sorts before the release it leads to.
 * Text after the numbers and pre-release marker (`esr`) is ignored.
 */

interface ParsedVersion {
  parts: number[];
  /** 0 alpha, 1 beta, 2 release. */
  stage: number;
  stageNumber: number;
}

const STAGES: Record<string, number> = { a: 0, b: 1 };

function parseVersion(version: string): ParsedVersion {
  const m = version.trim().match(/^(\d+(?:\.\d+)*)(?:([ab])(\d*))?/);
  if (!m) {
    return { parts: [], stage: 2, stageNumber: 0 };
  }
  return {
    parts: m[1]!.split('.').map(Number),
    stage: m[2] ? STAGES[m[2]]! : 2,
    stageNumber: m[3] ? Number(m[3]) : 0,
  };
}

/** Negative when a < b, zero when equal, positive when a > b. */
export function compareVersions(a: string, b: string): number {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  const length = Math.max(va.parts.length, vb.parts.length);
  for (let i = 0; i < length; i++) {
    const diff = (va.parts[i] ?? 0) - (vb.parts[i] ?? 0);
    if (diff !== 0) {
      return diff;
    }
  }
  return va.stage - vb.stage || va.stageNumber - vb.stageNumber;
}
