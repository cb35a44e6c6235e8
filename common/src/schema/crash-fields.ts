/**
 * The crash schema: every raw-crash and processed-crash field the platform
 * knows, with its type, a description and whether it is public. The API, the
 * UI, CSV extracts and the data dictionary all read this one list.
 *
 * Protected fields need the `view_pii` permission (dumps need
 * `view_rawdump`). A raw annotation that is not listed here is protected,
 * as in Socorro: only what is known to be harmless is public.
 */

/** Where a field lives: in the raw crash or in the processed crash. */
export type CrashFieldNamespace = 'raw' | 'processed';

/** The JSON type of a field's value. */
export type CrashFieldType =
  'string' | 'integer' | 'number' | 'boolean' | 'datetime' | 'object' | 'array';

/** Who may read a field. */
export type CrashFieldAccess = 'public' | 'protected';

/** Which part of the platform writes a field. */
export type CrashFieldSource = 'client' | 'collector' | 'processor';

/** One field of the crash schema. */
export interface CrashField {
  /** Name as stored; nested fields use dots (`metadata.user_agent`). */
  name: string;
  namespace: CrashFieldNamespace;
  type: CrashFieldType;
  access: CrashFieldAccess;
  source: CrashFieldSource;
  description: string;
}

type FieldRow = [
  name: string,
  type: CrashFieldType,
  access: CrashFieldAccess,
  description: string,
];

function fields(
  namespace: CrashFieldNamespace,
  source: CrashFieldSource,
  rows: FieldRow[],
): CrashField[] {
  return rows.map(([name, type, access, description]) => ({
    name,
    namespace,
    type,
    access,
    source,
    description,
  }));
}

/** Fields the collector stamps on every raw crash. */
const collectorFields = fields('raw', 'collector', [
  ['uuid', 'string', 'public', 'The crash id.'],
  [
    'submitted_timestamp',
    'datetime',
    'public',
    'When the collector received the crash (UTC, ISO-8601 with microseconds).',
  ],
  ['version', 'integer', 'public', 'Version of the raw crash layout (2).'],
  [
    'metadata.payload',
    'string',
    'protected',
    'How annotations arrived: "json" (one JSON part) or "multipart" (form fields).',
  ],
  [
    'metadata.payload_compressed',
    'string',
    'protected',
    '"1" when the body was gzip-compressed, else "0".',
  ],
  [
    'metadata.payload_size',
    'integer',
    'protected',
    'Size of the request body as received, in bytes (compressed size if gzipped).',
  ],
  [
    'metadata.collector_notes',
    'array',
    'protected',
    'Notes about anything unusual the collector saw or changed.',
  ],
  [
    'metadata.dump_checksums',
    'object',
    'protected',
    'SHA-256 (hex) of each dump, by dump name.',
  ],
  [
    'metadata.user_agent',
    'string',
    'protected',
    'The User-Agent header of the submission, or "None".',
  ],
  [
    'metadata.throttle_rule',
    'string',
    'protected',
    'Name of the throttle rule that accepted the crash.',
  ],
]);

/** Annotations crash reporters commonly send. */
const annotationFields = fields('raw', 'client', [
  ['ProductName', 'string', 'public', 'Product that crashed.'],
  ['Version', 'string', 'public', 'Product version.'],
  ['BuildID', 'string', 'public', 'Build id, usually yyyymmddhhmmss.'],
  [
    'ReleaseChannel',
    'string',
    'public',
    'Release channel (release, beta, ...).',
  ],
  ['ProcessType', 'string', 'public', 'Type of the crashing process.'],
  ['CrashTime', 'string', 'public', 'Crash time on the client, epoch seconds.'],
  ['StartupTime', 'string', 'public', 'Process start time, epoch seconds.'],
  [
    'InstallTime',
    'string',
    'public',
    'Install time of this build, epoch seconds.',
  ],
  ['Throttleable', 'string', 'public', '"0" when a user submitted it by hand.'],
  ['Vendor', 'string', 'public', 'Vendor of the product.'],
  ['Android_PackageName', 'string', 'public', 'Android package name.'],
  ['HangID', 'string', 'public', 'Identifier shared by the dumps of one hang.'],
  [
    'ipc_channel_error',
    'string',
    'public',
    'IPC channel error that ended the process.',
  ],
  ['URL', 'string', 'protected', 'Page being viewed when the crash happened.'],
  [
    'Comments',
    'string',
    'protected',
    'Comment the user typed in the crash reporter.',
  ],
  [
    'Email',
    'string',
    'protected',
    'Email the user gave (no longer collected).',
  ],
  ['MozCrashReason', 'string', 'protected', 'Raw abort message of the crash.'],
  ['JavaStackTrace', 'string', 'protected', 'Raw Java stack trace.'],
  ['Breadcrumbs', 'string', 'protected', 'Recent events before the crash.'],
]);

/** Fields the processor writes into the processed crash. */
const processedFields = fields('processed', 'processor', [
  ['uuid', 'string', 'public', 'The crash id.'],
  [
    'signature',
    'string',
    'public',
    'Signature grouping this crash with its twins.',
  ],
  [
    'proto_signature',
    'string',
    'public',
    'Every frame the signature was built from.',
  ],
  ['product', 'string', 'public', 'Product that crashed.'],
  ['version', 'string', 'public', 'Product version.'],
  ['release_channel', 'string', 'public', 'Release channel.'],
  ['build', 'string', 'public', 'Build id.'],
  [
    'date_processed',
    'datetime',
    'public',
    'When the crash was collected (UTC).',
  ],
  ['completed_datetime', 'datetime', 'public', 'When processing finished.'],
  [
    'uptime',
    'integer',
    'public',
    'Seconds between process start and the crash.',
  ],
  [
    'install_age',
    'integer',
    'public',
    'Seconds between install and the crash.',
  ],
  [
    'install_time',
    'integer',
    'public',
    'When the application was installed, epoch seconds (from InstallTime).',
  ],
  ['os_name', 'string', 'public', 'Operating system name.'],
  ['os_version', 'string', 'public', 'Operating system version.'],
  ['os_pretty_version', 'string', 'public', 'Readable OS name and version.'],
  ['cpu_arch', 'string', 'public', 'CPU architecture.'],
  ['cpu_info', 'string', 'public', 'CPU family, model and stepping.'],
  [
    'reason',
    'string',
    'public',
    'Exception or signal that crashed the process.',
  ],
  ['address', 'string', 'public', 'Crash address (hex).'],
  [
    'crashing_thread',
    'integer',
    'public',
    'Index of the crashing thread; null when the stack walker named none.',
  ],
  ['crashing_thread_name', 'string', 'public', 'Name of the crashing thread.'],
  ['process_type', 'string', 'public', 'Type of the crashing process.'],
  [
    'report_type',
    'string',
    'public',
    'hang for IPC channel errors, async shutdown timeouts and crashes in the shutdown watchdog; else crash.',
  ],
  ['modules_in_stack', 'string', 'public', 'Modules of the crashing stack.'],
  [
    'missing_symbols',
    'string',
    'public',
    'Modules whose symbols were missing.',
  ],
  [
    'topmost_filenames',
    'string',
    'public',
    'Source file of the highest crashing-thread frame that has one.',
  ],
  ['addons', 'array', 'public', 'Add-ons installed, as id:version.'],
  [
    'abort_message',
    'string',
    'public',
    'The AbortMessage annotation, trimmed; not sanitized, so a crash reporter should keep personal data out of it.',
  ],
  ['moz_crash_reason', 'string', 'public', 'Sanitized MozCrashReason.'],
  ['moz_crash_reason_raw', 'string', 'protected', 'MozCrashReason as sent.'],
  [
    'oom_allocation_size',
    'integer',
    'public',
    'Size of the failed allocation.',
  ],
  [
    'json_dump',
    'object',
    'public',
    'Stack walker output for the crashing dump.',
  ],
  ['processor_notes', 'string', 'public', 'Notes the processor left.'],
  ['processor_history', 'array', 'public', 'One line per processing run.'],
  ['success', 'boolean', 'public', 'Whether processing succeeded.'],
  ['url', 'string', 'protected', 'Page being viewed when the crash happened.'],
  ['user_comments', 'string', 'protected', 'Comment the user typed.'],
  ['collector_metadata', 'object', 'protected', 'The collector metadata.'],
  ['crash_id', 'string', 'public', 'The crash id (same as uuid).'],
  [
    'submitted_timestamp',
    'datetime',
    'public',
    'When the collector received the crash.',
  ],
  [
    'started_datetime',
    'datetime',
    'public',
    'When the last processing run started.',
  ],
  [
    'crash_report_keys',
    'array',
    'public',
    'Annotation and dump names the report had.',
  ],
  [
    'major_version',
    'integer',
    'public',
    'The version up to its first dot as a number; 0 when that is not one.',
  ],
  ['application_build_id', 'string', 'public', 'Build id of the application.'],
  [
    'distribution_id',
    'string',
    'public',
    'Distribution the build came from: "mozilla" for an empty id, "unknown" when none was sent.',
  ],
  [
    'crash_time',
    'integer',
    'public',
    'Crash time on the client, epoch seconds.',
  ],
  ['client_crash_date', 'datetime', 'public', 'Crash time on the client.'],
  ['last_crash', 'integer', 'public', 'Seconds since the previous crash.'],
  [
    'startup_crash',
    'boolean',
    'public',
    'Whether the crash happened during startup.',
  ],
  [
    'addons_checked',
    'boolean',
    'public',
    'Whether add-on compatibility was checked.',
  ],
  [
    'ipc_channel_error',
    'string',
    'public',
    'IPC channel error that ended the process.',
  ],
  [
    'ipc_message_name',
    'string',
    'public',
    'Name of the IPC message being handled.',
  ],
  [
    'async_shutdown_timeout',
    'string',
    'public',
    'Shutdown blockers that timed out (JSON).',
  ],
  [
    'js_large_allocation_failure',
    'string',
    'public',
    'Large JS allocation failure kind.',
  ],
  [
    'java_stack_trace',
    'string',
    'public',
    'Java stack trace without its exception message.',
  ],
  ['java_stack_trace_raw', 'string', 'protected', 'Java stack trace as sent.'],
  ['cpu_count', 'integer', 'public', 'Number of CPUs.'],
  ['cpu_microcode_version', 'string', 'public', 'CPU microcode version.'],
  ['pid', 'integer', 'public', 'Process id of the crashed process.'],
  ['thread_count', 'integer', 'public', 'Number of threads in the minidump.'],
  [
    'process_uptime',
    'integer',
    'public',
    'Seconds the process ran, from the minidump.',
  ],
  [
    'last_error_value',
    'string',
    'public',
    'Last error of the crashing thread (Windows).',
  ],
  [
    'additional_minidumps',
    'array',
    'public',
    'Names of the other minidumps of the report.',
  ],
  [
    'minidump_sha256_hash',
    'string',
    'public',
    "SHA-256 of the crashing process's minidump.",
  ],
  [
    'mdsw_status_string',
    'string',
    'public',
    'Status of the stack walk (OK or an error).',
  ],
  [
    'signature_debug',
    'string',
    'protected',
    'How the signature was chosen, step by step.',
  ],
  [
    'hang',
    'string',
    'public',
    'The Hang annotation: what kind of hang the client reported.',
  ],
  [
    'app_notes',
    'string',
    'protected',
    'Free-form notes the application added (the Notes annotation).',
  ],
  [
    'throttleable',
    'boolean',
    'public',
    'False when a person chose to submit this report.',
  ],
  [
    'adapter_vendor_id',
    'string',
    'public',
    'Vendor id of the graphics adapter.',
  ],
  [
    'adapter_device_id',
    'string',
    'public',
    'Device id of the graphics adapter.',
  ],
  [
    'submitted_from',
    'string',
    'public',
    'How the report was submitted: Auto, Client, CrashedTab, AboutCrashes, ' +
      'Infobar… (the SubmittedFrom annotation); Unknown when not said.',
  ],
  [
    'submitted_from_infobar',
    'boolean',
    'protected',
    'Deprecated: whether submitted_from is Infobar.',
  ],
  [
    'plugin_filename',
    'string',
    'public',
    'File of the plugin a plugin process had loaded.',
  ],
  ['plugin_name', 'string', 'public', 'Name of that plugin.'],
  ['plugin_version', 'string', 'public', 'Version of that plugin.'],
  [
    'breadcrumbs',
    'array',
    'protected',
    'Events and log messages recorded before the crash (the Breadcrumbs ' +
      'annotation): timestamp, type, category, level, message and data each.',
  ],
  [
    'phc_kind',
    'string',
    'protected',
    'Kind of the guarded allocation, when the crash was a bad access the ' +
      'probabilistic heap checker (PHC) caught.',
  ],
  [
    'phc_base_address',
    'string',
    'protected',
    'Base address of the PHC allocation, in hex.',
  ],
  [
    'phc_usable_size',
    'integer',
    'protected',
    'Usable size in bytes of the PHC allocation.',
  ],
  [
    'phc_alloc_stack',
    'string',
    'protected',
    'Where the PHC allocation was made: comma-separated decimal addresses.',
  ],
  [
    'phc_free_stack',
    'string',
    'protected',
    'Where the PHC allocation was freed: comma-separated decimal addresses.',
  ],
  [
    'accessibility',
    'boolean',
    'public',
    'Whether accessibility services were active.',
  ],
  [
    'utility_actors_name',
    'array',
    'public',
    'Actors a utility process was running.',
  ],
  [
    'telemetry_environment',
    'object',
    'protected',
    "The client's telemetry environment, decoded from JSON.",
  ],
  [
    'java_exception',
    'object',
    'protected',
    'The structured Java exception, decoded from JSON.',
  ],
  [
    'crash_inconsistencies',
    'array',
    'public',
    'Contradictions the stack walker found in the crash information.',
  ],
  [
    'soft_errors',
    'string',
    'protected',
    'Non-fatal errors met while the minidump was written (JSON, first 4096 characters).',
  ],
]);

/** Every field of the crash schema. */
export const CRASH_FIELDS: readonly CrashField[] = [
  ...collectorFields,
  ...annotationFields,
  ...processedFields,
];

/** Looks up a field by namespace and name. */
export function findCrashField(
  namespace: CrashFieldNamespace,
  name: string,
): CrashField | undefined {
  return CRASH_FIELDS.find((f) => f.namespace === namespace && f.name === name);
}

/**
 * Whether a field is public. Raw annotations missing from the schema are
 * protected: a client may send anything, including personal data.
 */
export function isPublicField(
  namespace: CrashFieldNamespace,
  name: string,
): boolean {
  return findCrashField(namespace, name)?.access === 'public';
}

/** Renders the crash schema as the Markdown data dictionary. */
export function renderCrashFieldsMarkdown(): string {
  const lines = [
    '# Crash fields',
    '',
    'Generated from the crash schema in `common/src/schema/crash-fields.ts`',
    'by `npm run docs:fields`; a test checks that this page is current.',
    '',
    'Protected fields need the `view_pii` permission. A raw annotation not',
    'listed here is protected: clients may send anything, personal data',
    'included.',
  ];
  const sections: [CrashFieldNamespace, string][] = [
    ['raw', 'Raw crash'],
    ['processed', 'Processed crash'],
  ];
  for (const [namespace, title] of sections) {
    lines.push('', `## ${title}`, '');
    lines.push('| field | type | access | written by | meaning |');
    lines.push('|---|---|---|---|---|');
    for (const f of CRASH_FIELDS.filter((c) => c.namespace === namespace)) {
      lines.push(
        `| \`${f.name}\` | ${f.type} | ${f.access} | ${f.source} | ${f.description} |`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
