/**
 * The fields Super Search knows: every processed-crash field of the crash
 * schema except objects, under the public names Socorro gives them. The
 * field list is the only source of the database keys a search may touch.
 */
import {
  CRASH_FIELDS,
  type CrashField,
  type CrashFieldType,
} from '@crashstats/common';

/** How a field is queried: which operators and values it takes. */
export type SearchQueryType = 'string' | 'number' | 'date' | 'bool';

/** Schema types a searchable field can have (objects are left out). */
export type SearchFieldType = Exclude<CrashFieldType, 'object'>;

/** One field of Super Search. */
export interface SearchField {
  /** Name in queries, columns and facets (`platform`). */
  readonly name: string;
  /** Top-level key of the processed-crash document (`os_name`). */
  readonly storedName: string;
  /** Type in the crash schema; `array` holds strings. */
  readonly type: SearchFieldType;
  readonly queryType: SearchQueryType;
  /** True when the schema marks the field protected: it needs `view_pii`. */
  readonly isProtected: boolean;
  /**
   * True for free-text fields, which Socorro analyses: a value without an
   * operator matches them whole but ignoring case.
   */
  readonly isText: boolean;
  /**
   * How a datetime is stored: `date_processed` is a BSON date, the other
   * datetime fields are ISO-8601 strings. Undefined for other types.
   */
  readonly dateStorage: 'bson' | 'text' | undefined;
  readonly description: string;
}

/** Stored names whose public name differs, as in Socorro. */
const PUBLIC_NAMES: Readonly<Record<string, string>> = {
  date_processed: 'date',
  os_name: 'platform',
  os_version: 'platform_version',
  os_pretty_version: 'platform_pretty_version',
  build: 'build_id',
};

/**
 * Fields Socorro maps as analysed text (by stored name): a bare value
 * matches the whole value ignoring case. Signature, product and platform
 * are exact terms there (signature through its full-value field), and so
 * here, which also lets their filters use indexes.
 */
const TEXT_FIELDS: ReadonlySet<string> = new Set([
  'proto_signature',
  'os_version',
  'os_pretty_version',
  'reason',
  'cpu_info',
  'cpu_microcode_version',
  'abort_message',
  'moz_crash_reason',
  'moz_crash_reason_raw',
  'modules_in_stack',
  'missing_symbols',
  'topmost_filenames',
  'processor_notes',
  'user_comments',
  'ipc_channel_error',
  'ipc_message_name',
  'async_shutdown_timeout',
  'java_stack_trace',
  'java_stack_trace_raw',
  'minidump_sha256_hash',
]);

const QUERY_TYPES: Readonly<Record<SearchFieldType, SearchQueryType>> = {
  string: 'string',
  array: 'string',
  integer: 'number',
  number: 'number',
  datetime: 'date',
  boolean: 'bool',
};

function toSearchField(field: CrashField & { type: SearchFieldType }) {
  const dateStorage: SearchField['dateStorage'] =
    field.type !== 'datetime'
      ? undefined
      : field.name === 'date_processed'
        ? 'bson'
        : 'text';
  return {
    name: PUBLIC_NAMES[field.name] ?? field.name,
    storedName: field.name,
    type: field.type,
    queryType: QUERY_TYPES[field.type],
    isProtected: field.access === 'protected',
    isText: TEXT_FIELDS.has(field.name),
    dateStorage,
    description: field.description,
  } satisfies SearchField;
}

function isSearchable(
  field: CrashField,
): field is CrashField & { type: SearchFieldType } {
  return field.namespace === 'processed' && field.type !== 'object';
}

/** Every Super Search field, in schema order. */
export const SEARCH_FIELDS: readonly SearchField[] = Object.freeze(
  CRASH_FIELDS.filter(isSearchable).map(toSearchField),
);

const BY_NAME: ReadonlyMap<string, SearchField> = new Map(
  SEARCH_FIELDS.map((field) => [field.name, field]),
);

/** The field with this public name, if there is one. */
export function findSearchField(name: string): SearchField | undefined {
  return BY_NAME.get(name);
}

/** True for fields a histogram can be built on (numbers and dates). */
export function isHistogramField(field: SearchField): boolean {
  return field.queryType === 'number' || field.queryType === 'date';
}
