/**
 * Validating parser for the signature input: turns an untrusted JSON value
 * (a `POST /api/CrashSignature/` job, the CLI's stdin) into a
 * {@link SignatureInput}, or throws {@link SignatureInputError} naming every
 * offending field.
 */
import { z } from 'zod';
import type { SignatureInput } from './types.js';

const text = z.string().nullish();
const lineNumber = z.union([z.number(), z.string()]).nullish();

const inlineFrameSchema = z.looseObject({
  function: text,
  file: text,
  line: lineNumber,
});

const unloadedModuleSchema = z.looseObject({
  module: text,
  offsets: z.array(z.string()).nullish(),
});

const frameSchema = z.looseObject({
  module: text,
  function: text,
  file: text,
  line: lineNumber,
  module_offset: text,
  offset: text,
  inlines: z.array(inlineFrameSchema).nullish(),
  unloaded_modules: z.array(unloadedModuleSchema).nullish(),
});

const threadSchema = z.looseObject({
  frames: z.array(frameSchema).nullish(),
  thread_name: text,
  frame_count: z.number().nullish(),
  last_error_value: text,
});

const signatureInputSchema = z.looseObject({
  platform: text,
  crashing_thread: z.union([z.number(), z.string()]).nullish(),
  threads: z.array(threadSchema).nullish(),
  os: text,
  reason: text,
  hang: z.union([z.string(), z.number(), z.boolean()]).nullish(),
  oom_allocation_size: z.union([z.number(), z.string()]).nullish(),
  js_large_allocation_failure: text,
  abort_message: text,
  mdsw_status_string: text,
  async_shutdown_timeout: z
    .union([z.string(), z.record(z.string(), z.unknown())])
    .nullish(),
  ipc_channel_error: text,
  ipc_message_name: text,
  additional_minidumps: z.union([z.array(z.string()), z.string()]).nullish(),
  java_stack_trace: text,
  // java_exception is free-form: a malformed one is a signature outcome.

  original_signature: text,
});

/** Thrown when a value is not a valid signature input. */
export class SignatureInputError extends Error {
  /** One line per problem: `<field path>: <what is wrong>`. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(`invalid signature input: ${problems.join('; ')}`);
    this.name = 'SignatureInputError';
    this.problems = problems;
  }
}

/** Formats a zod issue path as `threads[0].frames[3].line`. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    out +=
      typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  }
  return out || '(document)';
}

/**
 * Validates `value` as signature input.
 *
 * @param value - parsed JSON, typically one crash-data document
 * @returns the same data, typed
 * @throws SignatureInputError when the value is not an object or a field has
 * the wrong type (at most ten problems are listed)
 *
 * LIMITATION: a wrongly typed field (say `frames: "x"`) is rejected here,
 * where siggen would accept the document and end with a "Rule failed" note.
 */
export function parseSignatureInput(value: unknown): SignatureInput {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new SignatureInputError(['(document): expected a JSON object']);
  }
  const parsed = signatureInputSchema.safeParse(value);
  if (parsed.success) {
    return parsed.data;
  }
  const problems = parsed.error.issues
    .slice(0, 10)
    .map((issue) => `${formatPath(issue.path)}: ${issue.message}`);
  throw new SignatureInputError(problems);
}
