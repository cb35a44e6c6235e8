/**
 * Throttle rules as written in configuration: their schema and the
 * parsing that checks them, shared by the collector, which runs them
 * (collector/src/throttle.ts), and the operator, which checks a resource's
 * rules before it hands them to the collector. docs/throttling.md
 * describes them.
 */
import { z } from 'zod';
import { ConfigError } from './errors.js';

const outcome = z.enum(['accept', 'reject', 'continue']);

const conditionSchema = z
  .object({
    annotation: z.string().min(1),
    path: z
      .union([z.string().min(1), z.array(z.string().min(1)).min(1)])
      .optional(),
    equals: z.string().optional(),
    in: z.array(z.string()).optional(),
    matches: z.string().optional(),
    present: z.boolean().optional(),
    buildIdOlderThanDays: z.number().nonnegative().optional(),
    versionAtLeast: z.string().optional(),
    versionBelow: z.string().optional(),
    ignoreCase: z.boolean().optional(),
    not: z.boolean().optional(),
  })
  .strict()
  .refine(
    (c) =>
      [
        c.equals,
        c.in,
        c.matches,
        c.present,
        c.buildIdOlderThanDays,
        c.versionAtLeast ?? c.versionBelow,
      ].filter((v) => v !== undefined).length === 1,
    {
      message:
        'a condition needs exactly one test: equals, in, matches, present, ' +
        'buildIdOlderThanDays or versionAtLeast/versionBelow',
    },
  )
  .refine((c) => c.matches === undefined || isValidRegex(c.matches), {
    message: 'matches is not a valid regular expression',
  });

const ruleSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Za-z0-9_]+$/, 'rule names are letters, digits and _'),
    when: z.array(conditionSchema).default([]),
    result: z.union([
      z.enum(['accept', 'reject']),
      z
        .object({
          samplePercent: z.number().min(0).max(100),
          sampled: outcome.default('accept'),
          unsampled: outcome.default('reject'),
        })
        .strict(),
    ]),
  })
  .strict();

const rulesSchema = z.array(ruleSchema);

/** One test on one annotation. */
export type ThrottleCondition = z.input<typeof conditionSchema>;
/** One throttle rule as written in configuration. */
export type ThrottleRule = z.input<typeof ruleSchema>;
/** A throttle rule with its defaults filled in. */
export type ParsedThrottleRule = z.output<typeof ruleSchema>;
/** A condition with its defaults filled in. */
export type ParsedThrottleCondition = z.output<typeof conditionSchema>;

/** Parses throttle rules from JSON text; throws a ConfigError listing every problem. */
export function parseThrottleRules(json: string): ThrottleRule[] {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (err) {
    throw new ConfigError([`throttle rules: not valid JSON (${String(err)})`]);
  }
  return validateThrottleRules(value);
}

/** Validates throttle rules given as a value. */
function validateThrottleRules(value: unknown): ThrottleRule[] {
  const result = rulesSchema.safeParse(value);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map(
        (issue) => `throttle rules[${issue.path.join('.')}]: ${issue.message}`,
      ),
    );
  }
  return result.data;
}

function isValidRegex(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}

/** Rules validated and with their defaults filled in, for the throttler. */
export function parsedThrottleRules(
  rules: ThrottleRule[],
): ParsedThrottleRule[] {
  return rulesSchema.parse(rules);
}
