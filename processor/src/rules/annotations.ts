/**
 * Rules that copy and convert annotations into processed-crash fields:
 * identity, product, dates, process and report type, add-ons, crash reasons,
 * the protected user data and the plain copies (hang, notes, graphics
 * adapter, JSON annotations).
 */
import type { RawCrash } from '@crashstats/common';
import { crashingThreadFrames, list, record, str } from './json-dump.js';
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

/**
 * An annotation copied into an integer field: undefined when absent; a
 * note (naming the field, never the value) when it is not an integer.
 */
function integerField(
  state: ProcessingState,
  name: string,
  field: string,
): number | undefined {
  const value = integerAnnotation(state, name);
  if (value === undefined && annotation(state, name) !== undefined) {
    state.notes.push(`${field} value is not an integer`);
  }
  return value;
}

/**
 * An annotation copied into a boolean field: "1" and "true" are true, "0"
 * and "false" false (any case); anything else leaves a note and undefined.
 */
function booleanField(
  state: ProcessingState,
  name: string,
  field: string,
): boolean | undefined {
  const value = annotation(state, name)?.toLowerCase();
  if (value === undefined) {
    return undefined;
  }
  if (value === '1' || value === 'true') {
    return true;
  }
  if (value === '0' || value === 'false') {
    return false;
  }
  state.notes.push(`${field} value is not a boolean`);
  return undefined;
}

/**
 * An annotation that holds a JSON object: decoded when it arrived as text,
 * kept when a JSON submission already carried it as an object. Anything
 * else leaves the note `<field> value is malformed json`.
 */
function objectField(
  state: ProcessingState,
  name: string,
  field: string,
): Record<string, unknown> | undefined {
  const value = state.raw[name];
  if (value === undefined || value === null) {
    return undefined;
  }
  let parsed: unknown = value;
  if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      parsed = undefined;
    }
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    state.notes.push(`${field} value is malformed json`);
    return undefined;
  }
  return parsed as Record<string, unknown>;
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

/** Removes every NUL character. */
function withoutNul(text: string): string {
  return text.replaceAll('\u0000', '');
}

/**
 * Cleans the raw crash before any rule reads it: NUL characters go from
 * annotation names and string values, and annotations whose value is null
 * are dropped. Only this run's copy changes; the stored raw crash stays.
 */
export const cleanRawRule: Rule = {
  name: 'clean_raw',
  run(state) {
    const clean: RawCrash = {};
    for (const [name, value] of Object.entries(state.raw)) {
      if (value === null || value === undefined) {
        continue;
      }
      clean[withoutNul(name)] =
        typeof value === 'string' ? withoutNul(value) : value;
    }
    state.raw = clean;
  },
};

/** Annotation and dump names that crash_report_keys lists. */
const REPORT_KEY = /^[a-zA-Z0-9_-]+$/;
/** Longest name kept in crash_report_keys (and in the invalidkeys note). */
const REPORT_KEY_MAX = 100;

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
    const names = new Set(
      Object.keys(state.raw).concat(state.dumps.map((d) => d.name)),
    );
    const keys = new Set<string>();
    const invalid: string[] = [];
    for (const name of names) {
      const short = name.slice(0, REPORT_KEY_MAX);
      if (REPORT_KEY.test(name)) {
        keys.add(short);
      } else {
        // Notes are one per line: control characters must not split one.
        // eslint-disable-next-line no-control-regex
        invalid.push(short.replace(/[\u0000-\u001f\u007f]/g, '?'));
      }
    }
    state.processed.crash_report_keys = [...keys].sort();
    if (invalid.length > 0) {
      state.notes.push(`invalidkeys: ${invalid.sort().join(', ')}`);
    }
  },
};

/** A Fenix nightly's version as it reports it: "Nightly YYMMDD HH:MM". */
const FENIX_NIGHTLY_VERSION = /^Nightly \d{6} \d{2}:\d{2}$/;

/**
 * The major version: the text before the first `.` read as an integer;
 * 0 when there is no version or that text is not a number.
 */
export function majorVersion(version: string | undefined): number {
  const head = version?.split('.')[0] ?? '';
  const major = /^\d+$/.test(head) ? Number(head) : 0;
  return Number.isSafeInteger(major) ? major : 0;
}

/** Product, version, channel and build. */
export const productRule: Rule = {
  name: 'product',
  run(state) {
    const product = annotation(state, 'ProductName');
    setIfDefined(state, 'product', product);
    const channel = annotation(state, 'ReleaseChannel');
    let version = annotation(state, 'Version');
    if (product === 'Fenix' && version && FENIX_NIGHTLY_VERSION.test(version)) {
      version = '0.0a1';
    }
    // ESR builds report the plain version; the suffix tells them apart.
    // NOTE: a version that already ends in "esr" is left as it is.
    if (
      channel === 'esr' &&
      version !== undefined &&
      !version.endsWith('esr')
    ) {
      version = `${version}esr`;
    }
    setIfDefined(state, 'version', version);
    state.processed.major_version = majorVersion(version);
    setIfDefined(state, 'release_channel', channel);
    setIfDefined(state, 'build', annotation(state, 'BuildID'));
    setIfDefined(state, 'application_build_id', annotation(state, 'BuildID'));
  },
};

/** Epoch seconds of the collection time, or undefined. */
function submittedEpoch(state: ProcessingState): number | undefined {
  const submitted = state.raw.submitted_timestamp;
  const ms = typeof submitted === 'string' ? Date.parse(submitted) : NaN;
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/** Client crash time, uptime, install age and time since the last crash. */
export const datesRule: Rule = {
  name: 'dates',
  run(state) {
    const installed = integerField(state, 'InstallTime', 'install_time');
    // Counts distinct installations (Top Crashers' installs column).
    setIfDefined(state, 'install_time', installed);
    setIfDefined(
      state,
      'last_crash',
      integerAnnotation(state, 'SecondsSinceLastCrash'),
    );
    // Without CrashTime, the crash is dated by its collection.
    const crashTime =
      integerAnnotation(state, 'CrashTime') ?? submittedEpoch(state);
    if (crashTime === undefined) {
      return;
    }
    state.processed.crash_time = crashTime;
    const date = new Date(crashTime * 1000);
    if (!Number.isNaN(date.getTime())) {
      state.processed.client_crash_date = date.toISOString();
    }
    const started = integerAnnotation(state, 'StartupTime');
    if (started !== undefined) {
      // A start after the crash is clock trouble: the uptime is 0.
      state.processed.uptime = Math.max(0, crashTime - started);
    }
    if (installed !== undefined) {
      state.processed.install_age = crashTime - installed;
    }
  },
};

/** Process type (parent when absent) and whether it was a startup crash. */
export const processTypeRule: Rule = {
  name: 'process_type',
  run(state) {
    const type = annotation(state, 'ProcessType') ?? 'parent';
    state.processed.process_type = type === 'main' ? 'parent' : type;
    setIfDefined(
      state,
      'startup_crash',
      booleanField(state, 'StartupCrash', 'startup_crash'),
    );
  },
};

/** Annotations copied as they are, or nearly. */
export const copyAnnotationsRule: Rule = {
  name: 'copy_annotations',
  run(state) {
    // Feeds the signature's `hang: <value> | ` prefix.
    setIfDefined(state, 'hang', annotation(state, 'Hang'));
    setIfDefined(state, 'app_notes', annotation(state, 'Notes'));
    setIfDefined(
      state,
      'throttleable',
      booleanField(state, 'Throttleable', 'throttleable'),
    );
    setIfDefined(
      state,
      'adapter_vendor_id',
      annotation(state, 'AdapterVendorID'),
    );
    setIfDefined(
      state,
      'adapter_device_id',
      annotation(state, 'AdapterDeviceID'),
    );
    state.processed.accessibility =
      annotation(state, 'Accessibility') === 'Active';
    const actors = annotation(state, 'UtilityActorsName');
    if (actors !== undefined) {
      state.processed.utility_actors_name = actors
        .split(',')
        .map((actor) => actor.trim())
        .filter((actor) => actor !== '');
    }
    const environment = objectField(
      state,
      'TelemetryEnvironment',
      'telemetry_environment',
    );
    setIfDefined(state, 'telemetry_environment', environment);
    setIfDefined(
      state,
      'java_exception',
      objectField(state, 'JavaException', 'java_exception'),
    );
    state.processed.distribution_id = distributionId(state, environment);
  },
};

/**
 * The distribution: the DistributionID annotation, else the telemetry
 * environment's partner.distributionId; `unknown` when neither says,
 * `mozilla` when the one that does is empty.
 */
function distributionId(
  state: ProcessingState,
  environment: Record<string, unknown> | undefined,
): string {
  const id =
    str(state.raw.DistributionID) ??
    str(record(environment?.partner).distributionId);
  if (id === undefined) {
    return 'unknown';
  }
  return id.trim() === '' ? 'mozilla' : id.trim();
}

/**
 * The report type: `hang` for an IPC channel error, an async shutdown
 * timeout or a crashing thread inside the shutdown watchdog, else `crash`.
 * Reads what the annotation rules copied and what the stack walk found,
 * so it runs after both.
 */
export const reportTypeRule: Rule = {
  name: 'report_type',
  run(state) {
    const p = state.processed;
    const hang =
      isPresent(p.ipc_channel_error) ||
      isPresent(p.async_shutdown_timeout) ||
      crashingThreadFrames(p.json_dump).some(inWatchdog);
    p.report_type = hang ? 'hang' : 'crash';
  },
};

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** Whether a frame, or a function inlined into it, is in RunWatchdog. */
function inWatchdog(frame: Record<string, unknown>): boolean {
  const functions = [
    frame.function,
    ...list(frame.inlines).map((inline) => record(inline).function),
  ];
  return functions.some((f) => str(f)?.includes('RunWatchdog') === true);
}

/** Add-ons from the comma-separated `Add-ons` annotation, as id:version. */
export const addonsRule: Rule = {
  name: 'addons',
  run(state) {
    const addons = annotation(state, 'Add-ons');
    if (addons === undefined) {
      return;
    }
    state.processed.addons = addons
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '')
      .map(addonEntry);
    state.processed.addons_checked =
      annotation(state, 'EMCheckCompatibility') !== 'false';
  },
};

/**
 * One `id:version` entry, both parts URL-decoded; `id:NO_VERSION` when the
 * version is missing. Ids are sent encoded, so the first `:` splits.
 */
function addonEntry(entry: string): string {
  const colon = entry.indexOf(':');
  const id = colon < 0 ? entry : entry.slice(0, colon);
  const version = colon < 0 ? '' : entry.slice(colon + 1);
  const decoded =
    version === '' ? 'NO_VERSION' : decodeURIComponentSafe(version);
  return `${decodeURIComponentSafe(id)}:${decoded}`;
}

/**
 * MozCrashReason texts known to carry private data; the public field says
 * where to look instead.
 */
const SANITIZED_REASON_PREFIXES = [
  'Failed to load module',
  'byte index',
  'do not use eval with system privileges',
];

/** The public form of a MozCrashReason. */
export function publicCrashReason(reason: string): string {
  return SANITIZED_REASON_PREFIXES.some((prefix) => reason.startsWith(prefix))
    ? 'sanitized--see moz_crash_reason_raw'
    : sanitizeReason(reason);
}

/** Abort messages, OOM size; the raw texts are protected. */
export const crashReasonRule: Rule = {
  name: 'crash_reason',
  run(state) {
    const reason = annotation(state, 'MozCrashReason');
    if (reason !== undefined) {
      state.processed.moz_crash_reason_raw = reason;
      state.processed.moz_crash_reason = publicCrashReason(reason);
    }
    setIfDefined(state, 'abort_message', annotation(state, 'AbortMessage'));
    setIfDefined(
      state,
      'oom_allocation_size',
      integerField(state, 'OOMAllocationSize', 'oom_allocation_size'),
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
 * How the report was submitted (`submitted_from`: Auto, Client, CrashedTab,
 * AboutCrashes, Infobar…, from SubmittedFrom; `Unknown` when not said) and
 * the older yes-or-no `submitted_from_infobar`. A SubmittedFromInfobar
 * annotation, sent by clients older than SubmittedFrom, decides both when
 * present: `1` or `true` (text, or a JSON boolean) is Infobar.
 */
export const submittedFromRule: Rule = {
  name: 'submitted_from',
  run(state) {
    const infobar = state.raw.SubmittedFromInfobar;
    let from: string;
    if (infobar !== undefined) {
      const yes = infobar === true || infobar === '1' || infobar === 'true';
      from = yes ? 'Infobar' : 'Unknown';
    } else {
      from = annotation(state, 'SubmittedFrom') ?? 'Unknown';
    }
    state.processed.submitted_from = from;
    state.processed.submitted_from_infobar = from === 'Infobar';
  },
};

/**
 * The plugin of a plugin process (ProcessType `plugin`, from the days of
 * NPAPI plugins): its file name, name and version, empty when not sent.
 */
export const pluginRule: Rule = {
  name: 'plugin',
  run(state) {
    if (annotation(state, 'ProcessType') !== 'plugin') {
      return;
    }
    state.processed.plugin_filename = annotation(state, 'PluginFilename') ?? '';
    state.processed.plugin_name = annotation(state, 'PluginName') ?? '';
    state.processed.plugin_version = annotation(state, 'PluginVersion') ?? '';
  },
};

/**
 * The probabilistic heap checker's findings, for crashes on one of its
 * guarded allocations (those that carry PHCKind): the kind, the base
 * address in hex (sent in decimal), the usable size, and the allocation
 * and free stacks as sent (comma-separated decimal addresses). All are
 * protected; values that do not parse are left out.
 */
export const phcRule: Rule = {
  name: 'phc',
  run(state) {
    const kind = annotation(state, 'PHCKind');
    if (kind === undefined) {
      return;
    }
    state.processed.phc_kind = kind;
    setIfDefined(
      state,
      'phc_base_address',
      decimalToHex(annotation(state, 'PHCBaseAddress')),
    );
    setIfDefined(
      state,
      'phc_usable_size',
      integerAnnotation(state, 'PHCUsableSize'),
    );
    setIfDefined(state, 'phc_alloc_stack', annotation(state, 'PHCAllocStack'));
    setIfDefined(state, 'phc_free_stack', annotation(state, 'PHCFreeStack'));
  },
};

/** `140737488355328` as `0x800000000000`; undefined unless a whole number. */
function decimalToHex(value: string | undefined): string | undefined {
  if (value === undefined || !/^\d+$/.test(value)) {
    return undefined;
  }
  return `0x${BigInt(value).toString(16)}`;
}

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
