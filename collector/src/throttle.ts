/**
 * Throttling: an ordered list of declarative rules decides whether a crash
 * is kept. The first rule whose conditions all hold decides; a sampling rule
 * may instead fall through to the next rule. When no rule decides, the crash
 * is rejected under the name NO_MATCH, as Antenna does.
 */
import {
  parsedThrottleRules,
  type ParsedThrottleCondition as ParsedCondition,
  type ParsedThrottleRule as ParsedRule,
  type ThrottleRule,
} from '@crashstats/common';
import { compareVersions } from './version.js';

/** What the throttler decided, and which rule decided it. */
export interface ThrottleDecision {
  result: 'accept' | 'reject';
  rule: string;
}

/** Name reported when no rule decided. */
export const NO_MATCH = 'NO_MATCH';

/** Dependencies of the throttler: time and randomness, injectable for tests. */
export interface ThrottlerDeps {
  now?: () => Date;
  /** A number in [0, 100). */
  random?: () => number;
}

/** Decides for one crash's annotations. */
export type Throttler = (
  annotations: Record<string, unknown>,
) => ThrottleDecision;

/** Compiles rules into a throttler. */
export function createThrottler(
  rules: ThrottleRule[],
  deps: ThrottlerDeps = {},
): Throttler {
  const parsed = parsedThrottleRules(rules);
  const now = deps.now ?? (() => new Date());
  const random = deps.random ?? (() => Math.random() * 100);
  const compiled = parsed.map((rule) => compileRule(rule, now));

  return (annotations) => {
    for (const { rule, matches } of compiled) {
      if (!matches(annotations)) {
        continue;
      }
      const outcome = decide(rule, random);
      if (outcome !== 'continue') {
        return { result: outcome, rule: rule.name };
      }
    }
    return { result: 'reject', rule: NO_MATCH };
  };
}

function decide(
  rule: ParsedRule,
  random: () => number,
): 'accept' | 'reject' | 'continue' {
  if (typeof rule.result === 'string') {
    return rule.result;
  }
  const { samplePercent, sampled, unsampled } = rule.result;
  // As in Antenna, a roll equal to the percentage is still sampled.
  return random() <= samplePercent ? sampled : unsampled;
}

type Predicate = (annotations: Record<string, unknown>) => boolean;

function compileRule(rule: ParsedRule, now: () => Date) {
  const tests = rule.when.map((c) => compileCondition(c, now));
  const matches: Predicate = (annotations) =>
    tests.every((test) => test(annotations));
  return { rule, matches };
}

// LIMITATION: a condition tests one annotation against constants; it cannot
// compare two annotations. See docs/limitations.md.
function compileCondition(c: ParsedCondition, now: () => Date): Predicate {
  const test = compileTest(c, now);
  const path = typeof c.path === 'string' ? c.path.split('.') : c.path;
  const read = (annotations: Record<string, unknown>) => {
    const annotation = annotations[c.annotation];
    const value =
      path === undefined ? annotation : valueAt(parseJson(annotation), path);
    const text = asText(value);
    return c.ignoreCase && text !== undefined ? text.toLowerCase() : text;
  };
  return c.not
    ? (annotations) => !test(read(annotations))
    : (annotations) => test(read(annotations));
}

/** A JSON-encoded annotation's value; one sent as JSON already stays as it is. */
function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') {
    return value;
  }
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

/** The value at `path` (keys, or indexes of arrays), or undefined. */
function valueAt(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) {
    if (
      typeof current !== 'object' ||
      current === null ||
      !Object.hasOwn(current, key)
    ) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** How a condition sees a value: text, or undefined when there is none. */
function asText(value: unknown): string | undefined {
  if (value === undefined || value === null) {
    return undefined;
  }
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function compileTest(
  c: ParsedCondition,
  now: () => Date,
): (value: string | undefined) => boolean {
  const fold = (s: string) => (c.ignoreCase ? s.toLowerCase() : s);
  if (c.equals !== undefined) {
    const expected = fold(c.equals);
    return (value) => value === expected;
  }
  if (c.in !== undefined) {
    const allowed = new Set(c.in.map(fold));
    return (value) => value !== undefined && allowed.has(value);
  }
  if (c.matches !== undefined) {
    const re = new RegExp(c.matches, c.ignoreCase ? 'i' : '');
    return (value) => value !== undefined && re.test(value);
  }
  if (c.present !== undefined) {
    const wanted = c.present;
    return (value) => (value !== undefined && value !== '') === wanted;
  }
  if (c.buildIdOlderThanDays !== undefined) {
    const days = c.buildIdOlderThanDays;
    return (value) => isBuildIdOlderThan(value, days, now());
  }
  const { versionAtLeast: min, versionBelow: max } = c;
  return (value) =>
    value !== undefined &&
    (min === undefined || compareVersions(value, min) >= 0) &&
    (max === undefined || compareVersions(value, max) < 0);
}

/**
 * True when a build id of the form yyyymmddhhmmss is older than `days`.
 * A build id of another shape is never "old": the rule cannot judge it.
 */
export function isBuildIdOlderThan(
  buildId: string | undefined,
  days: number,
  now: Date,
): boolean {
  if (buildId === undefined || !/^\d{14}$/.test(buildId)) {
    return false;
  }
  const part = (from: number, to: number) => Number(buildId.slice(from, to));
  const built = Date.UTC(
    part(0, 4),
    part(4, 6) - 1,
    part(6, 8),
    part(8, 10),
    part(10, 12),
    part(12, 14),
  );
  if (Number.isNaN(built)) {
    return false;
  }
  return now.getTime() - built > days * 24 * 60 * 60 * 1000;
}
