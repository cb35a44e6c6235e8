/**
 * Builds the signature input from a processed crash (siggen's
 * `convert_to_crash_data`), so the processor and the CLI can hand a
 * processed crash straight to signature generation.
 */
import { parseSignatureInput } from './input.js';
import { pyInt } from './python.js';
import type { SignatureInput } from './types.js';

/** A plain JSON object. */
function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Reads a dotted path, or null when any step is missing. */
function at(root: unknown, path: string): unknown {
  let node: unknown = root;
  for (const key of path.split('.')) {
    if (!isRecord(node) || !(key in node)) {
      return null;
    }
    node = node[key];
  }
  return node;
}

/** Python's `int(value)`, or null when it cannot be converted. */
function intOrNull(value: unknown): number | null {
  try {
    return pyInt(value);
  } catch {
    return null;
  }
}

/**
 * The signature input of a processed crash: annotations copied by the
 * processor, plus the crashing thread, reason, threads and OS from
 * `json_dump` and the Java data when present.
 *
 * @param processed - a processed crash document
 * @throws SignatureInputError when a copied field has the wrong type
 */
export function signatureInputFromProcessedCrash(
  processed: Record<string, unknown>,
): SignatureInput {
  const data: Record<string, unknown> = {
    hang: at(processed, 'hang'),
    oom_allocation_size: intOrNull(at(processed, 'oom_allocation_size')),
    js_large_allocation_failure: at(processed, 'js_large_allocation_failure'),
    abort_message: at(processed, 'abort_message'),
    mdsw_status_string: at(processed, 'mdsw_status_string'),
    async_shutdown_timeout: at(processed, 'async_shutdown_timeout'),
    ipc_channel_error: at(processed, 'ipc_channel_error'),
    ipc_message_name: at(processed, 'ipc_message_name'),
    additional_minidumps: at(processed, 'additional_minidumps') ?? [],
    original_signature: at(processed, 'signature') ?? '',
  };
  if ('json_dump' in processed) {
    data['crashing_thread'] = at(
      processed,
      'json_dump.crash_info.crashing_thread',
    );
    data['reason'] = at(processed, 'json_dump.crash_info.type');
    data['threads'] = at(processed, 'json_dump.threads');
    data['os'] = at(processed, 'json_dump.system_info.os');
  }
  if ('java_exception' in processed) {
    data['java_exception'] = processed['java_exception'];
  }
  if ('java_stack_trace' in processed) {
    data['java_stack_trace'] = processed['java_stack_trace'];
  }
  return parseSignatureInput(data);
}
