/**
 * Processed crashes for the Super Search tests, stored as the processor
 * stores them: Socorro's names at the top level, `date_processed` as a
 * date, other datetimes as ISO-8601 text, missing fields absent. Thirty
 * crashes follow regular patterns; a few more cover edge cases.
 */
import type { Permission, Principal } from '../../../src/auth/permissions.js';

/** The clock of every search in the tests. */
export const NOW = new Date('2026-12-08T12:00:00.000Z');

const DAY_MS = 86_400_000;

/** A stored processed crash. */
export interface Crash {
  _id: string;
  uuid: string;
  date_processed: Date;
  [field: string]: unknown;
}

const PRODUCTS = ['Firefox', 'Fenix', 'Thunderbird', 'Firefox'];
const VERSIONS: Readonly<Record<string, readonly string[]>> = {
  Firefox: ['128.0', '128.0b3', '129.0a1', '128.0b5', '127.0.2'],
  Fenix: ['128.0', '128.1.0'],
  Thunderbird: ['115.9.0esr', '128.0b3'],
};
const PLATFORMS = ['Windows NT', 'Linux', 'Mac OS X', 'Android', undefined];
const SIGNATURES = [
  'OOM | small',
  'mozilla::dom::Foo',
  'js::GCMarker::markChildren',
  'shutdownhang | nsThread::Shutdown',
  'EMPTY: no crashing thread identified',
  'OOM | large',
];
const ADDONS = [
  ['a@x:1', 'b@x:2'],
  [],
  undefined,
  ['b@x:2'],
  ['c@x:3', 'a@x:1'],
];
const REASONS = [
  'EXCEPTION_ACCESS_VIOLATION_READ',
  'SIGSEGV /SEGV_MAPERR',
  'EXC_BAD_ACCESS / KERN_INVALID_ADDRESS',
];

function crashId(n: number, date: Date): string {
  const yymmdd = date.toISOString().slice(2, 10).replaceAll('-', '');
  return `${String(n).padStart(8, '0')}-0000-4000-8000-000000${yymmdd}`;
}

function channelOf(version: string): string {
  if (version.includes('b')) {
    return 'beta';
  }
  if (version.includes('a')) {
    return 'nightly';
  }
  return version.endsWith('esr') ? 'esr' : 'release';
}

/** Drops undefined fields, as absent fields are stored. */
function compact(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(fields).filter(([, value]) => value !== undefined),
  );
}

function regular(i: number): Crash {
  const date = new Date(
    Date.UTC(2026, 11, 1 + (i % 8), (i * 5) % 24, i, 0, (i * 37) % 1000),
  );
  const product = PRODUCTS[i % 4] as string;
  const versions = VERSIONS[product] as readonly string[];
  const version = versions[Math.floor(i / 4) % versions.length] as string;
  const id = crashId(i + 1, date);
  return {
    _id: id,
    uuid: id,
    date_processed: date,
    ...compact({
      crash_id: id,
      product,
      version,
      release_channel: channelOf(version),
      build: `2026120${(i % 8) + 1}093000`,
      os_name: PLATFORMS[i % 5],
      os_version: i % 5 === 0 ? '10.0.22631' : undefined,
      signature: SIGNATURES[i % 6],
      reason: REASONS[i % 3],
      address: i % 4 === 1 ? null : `0x${(i * 4096).toString(16)}`,
      cpu_arch: ['x86_64', 'arm64', 'x86'][i % 3],
      uptime: i % 7 === 0 ? undefined : i * 10,
      install_age: i * 3600,
      success: [true, false, true, undefined][i % 4],
      startup_crash: i % 3 === 0,
      addons: ADDONS[i % 5],
      completed_datetime: new Date(date.getTime() + 120_000).toISOString(),
      url: i % 2 === 1 ? `https://example.com/${i}` : undefined,
      user_comments: i % 5 === 0 ? `comment ${i}` : undefined,
      crash_report_keys: ['ProductName', 'Version', 'upload_file_minidump'],
      json_dump: { crash_info: { type: 'SIGSEGV' } },
    }),
  };
}

function special(n: number, date: Date, fields: Record<string, unknown>) {
  const id = crashId(n, date);
  return {
    _id: id,
    uuid: id,
    date_processed: date,
    ...compact({ crash_id: id, ...fields }),
  } as Crash;
}

/** Crashes with values the regular ones lack. */
function specials(): Crash[] {
  return [
    special(101, new Date('2026-12-05T10:00:00.000Z'), {
      product: 'FIREFOX',
      version: '128.0b',
      signature: 'oom | SMALL',
      os_name: null,
      uptime: 0,
      success: false,
      addons: ['d@x:4', 'd@x:4'],
      completed_datetime: '2026-12-05T10:02:00.123456+00:00',
    }),
    special(102, new Date('2026-12-06T23:59:59.999Z'), {
      product: 'Firefox',
      version: '130.0b1',
      signature: 'foo(bar).baz*[x] | a+b?',
      os_name: 'Linux',
      uptime: 1.5,
      success: true,
      address: '0x0',
      url: 'https://example.com/special',
    }),
    // Outside the default seven days.
    special(103, new Date('2026-11-20T08:00:00.000Z'), {
      product: 'Firefox',
      version: '128.0',
      signature: 'OOM | small',
      os_name: 'Windows NT',
      uptime: 500,
    }),
    special(104, new Date('2026-01-15T08:00:00.000Z'), {
      product: 'Fenix',
      version: '120.0',
      signature: 'old crash',
      os_name: 'Android',
    }),
  ];
}

/** Every stored crash. */
export function buildCrashes(): Crash[] {
  return [...Array.from({ length: 30 }, (_, i) => regular(i)), ...specials()];
}

/** Crashes of the default date range: the seven days up to {@link NOW}. */
export function inDefaultRange(crash: Crash): boolean {
  const time = crash.date_processed.getTime();
  return time >= NOW.getTime() - 7 * DAY_MS && time <= NOW.getTime();
}

/** The ids of the crashes for which `predicate` holds, sorted. */
export function idsWhere(
  crashes: readonly Crash[],
  predicate: (crash: Crash) => boolean,
): string[] {
  return crashes
    .filter(predicate)
    .map((c) => c.uuid)
    .sort();
}

/** A token holder with the given permissions. */
export function tokenPrincipal(permissions: Permission[]): Principal {
  return {
    kind: 'token',
    tokenId: 't1',
    user: 'tester',
    isAdmin: false,
    permissions: new Set(permissions),
  };
}
