/**
 * Rules that copy and convert annotations into processed-crash fields:
 * identity, product, dates, process and report type, add-ons, crash reasons
 * and the protected user data.
 */
import type { ProcessingState, Rule } from './rule.js';

/** An annotation as a trimmed non-empty string, or undefined. */
export function annotation(
  state: ProcessingState,
  name: string,
): string | undefined {
  const value = state.raw[name];
  if (typeof value !== 'string') {
    return typeof value === 'number' ? String(value) : undefined;
  }
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

/** An annotation as an integer, or undefined when it is not one. */
export function integerAnnotation(
  state: ProcessingState,
  name: string,
): number | undefined {
  const value = annotation(state, name);
  if (value === undefined || !/^-?\d+$/.test(value)) {
    return undefined;
  }
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : undefined;
}

function setIfDefined(
  state: ProcessingState,
  field: string,
  value: unknown,
): void {
  if (value !== undefined) {
    state.processed[field] = value;
  }
}

/** Crash id, collection time and the collector's metadata. */
export const identityRule: Rule = {
  name: 'identity',
  run(state) {
    state.processed.uuid = state.crashId;
    state.processed.crash_id = state.crashId;
    const submitted = state.raw.submitted_timestamp;
    if (typeof submitted === 'string') {
      state.processed.submitted_timestamp = submitted;
      const date = new Date(submitted);
      if (!Number.isNaN(date.getTime())) {
        // As in Socorro, date_processed is the collection time, so a
        // reprocessed crash keeps its place in time.
        state.processed.date_processed = date;
      }
    }
    setIfDefined(state, 'collector_metadata', state.raw.metadata);
    state.processed.crash_report_keys = Object.keys(state.raw)
      .concat(state.dumps.map((d) => d.name))
      .sort();
  },
};

/** Product, version, channel and build. */
export const productRule: Rule = {
  name: 'product',
  run(state) {
    setIfDefined(state, 'product', annotation(state, 'ProductName'));
    const version = annotation(state, 'Version');
    setIfDefined(state, 'version', version);
    const major = version?.match(/^(\d+)/)?.[1];
    setIfDefined(state, 'major_version', major && Number(major));
    setIfDefined(state, 'release_channel', annotation(state, 'ReleaseChannel'));
    setIfDefined(state, 'build', annotation(state, 'BuildID'));
    setIfDefined(state, 'application_build_id', annotation(state, 'BuildID'));
    setIfDefined(state, 'distribution_id', annotation(state, 'DistributionID'));
  },
};

/** Client crash time, uptime, install age and time since the last crash. */
export const datesRule: Rule = {
  name: 'dates',
  run(state) {
    const crashTime = integerAnnotation(state, 'CrashTime');
    if (crashTime === undefined) {
      return;
    }
    state.processed.crash_time = crashTime;
    state.processed.client_crash_date = new Date(
      crashTime * 1000,
    ).toISOString();
    const started = integerAnnotation(state, 'StartupTime');
    if (started !== undefined && started <= crashTime) {
      state.processed.uptime = crashTime - started;
    }
    const installed = integerAnnotation(state, 'InstallTime');
    if (installed !== undefined && installed <= crashTime) {
      state.processed.install_age = crashTime - installed;
      // Counts distinct installations (Top Crashers' installs column).
      state.processed.install_time = installed;
    }
    setIfDefined(
      state,
      'last_crash',
      integerAnnotation(state, 'SecondsSinceLastCrash'),
    );
  },
};

/** Process type (parent when absent) and report type (crash or hang). */
export const processTypeRule: Rule = {
  name: 'process_type',
  run(state) {
    state.processed.process_type = annotation(state, 'ProcessType') ?? 'parent';
    const hang =
      annotation(state, 'HangID') !== undefined ||
      annotation(state, 'Hang') === '1';
    state.processed.report_type = hang ? 'hang' : 'crash';
    state.processed.startup_crash =
      annotation(state, 'StartupCrash') === '1' ? true : undefined;
  },
};

/** Add-ons from the comma-separated `Add-ons` annotation, as id:version. */
export const addonsRule: Rule = {
  name: 'addons',
  run(state) {
    const list = annotation(state, 'Add-ons');
    if (list === undefined) {
      return;
    }
    state.processed.addons = list
      .split(',')
      .map((entry) => decodeURIComponentSafe(entry.trim()))
      .filter((entry) => entry !== '');
    state.processed.addons_checked =
      annotation(state, 'EMCheckCompatibility') !== 'false';
  },
};

/** Abort messages, OOM size; the raw texts are protected. */
export const crashReasonRule: Rule = {
  name: 'crash_reason',
  run(state) {
    const reason = annotation(state, 'MozCrashReason');
    if (reason !== undefined) {
      state.processed.moz_crash_reason_raw = reason;
      state.processed.moz_crash_reason = sanitizeReason(reason);
    }
    setIfDefined(state, 'abort_message', annotation(state, 'AbortMessage'));
    setIfDefined(
      state,
      'oom_allocation_size',
      integerAnnotation(state, 'OOMAllocationSize'),
    );
    setIfDefined(
      state,
      'ipc_channel_error',
      annotation(state, 'ipc_channel_error'),
    );
    setIfDefined(
      state,
      'ipc_message_name',
      annotation(state, 'IPCMessageName'),
    );
    setIfDefined(
      state,
      'async_shutdown_timeout',
      annotation(state, 'AsyncShutdownTimeout'),
    );
    setIfDefined(
      state,
      'js_large_allocation_failure',
      annotation(state, 'JSLargeAllocationFailure'),
    );
    const javaTrace = annotation(state, 'JavaStackTrace');
    if (javaTrace !== undefined) {
      state.processed.java_stack_trace_raw = javaTrace;
      state.processed.java_stack_trace = sanitizeJavaStackTrace(javaTrace);
    }
  },
};

/** URL and user comments: protected fields. */
export const userDataRule: Rule = {
  name: 'user_data',
  run(state) {
    setIfDefined(state, 'url', annotation(state, 'URL'));
    setIfDefined(state, 'user_comments', annotation(state, 'Comments'));
  },
};

/**
 * Keeps the part of a crash reason that is safe to show: messages that
 * embed a URL or a path after a colon keep only the text before it.
 */
export function sanitizeReason(reason: string): string {
  const cut = reason.search(/\b(https?|file|data|blob):/i);
  const text = cut >= 0 ? reason.slice(0, cut).trimEnd() : reason;
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f]/g, ' ').trim();
}

/**
 * A Java stack trace without its exception message, which may hold user
 * data: `java.lang.Foo: secret` becomes `java.lang.Foo`; frames stay.
 */
export function sanitizeJavaStackTrace(trace: string): string {
  const [first = '', ...rest] = trace.split('\n');
  const colon = first.indexOf(': ');
  const head = colon >= 0 ? first.slice(0, colon) : first;
  return [head, ...rest].join('\n');
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
