/**
 * The platform rule: CPU and OS fields with their defaults, filled in for
 * reports the stack walk said nothing about (Java crashes, reports without
 * a minidump) from the Android and platform annotations, and the readable
 * OS name. Runs after the minidump rule, whose values it starts from.
 */
import { annotation } from './annotations.js';
import { record, str } from './json-dump.js';
import { prettyOsVersion } from './os-info.js';
import type { Rule } from './rule.js';

/** Written when nothing tells the CPU architecture or description. */
export const UNKNOWN_CPU = 'unknown';
/** Written when nothing tells the operating system. */
export const UNKNOWN_OS = 'Unknown';

/** Android ABI names with a different name in cpu_arch. */
const ANDROID_ABI_ARCH: Readonly<Record<string, string>> = {
  'armeabi-v7a': 'arm',
  'arm64-v8a': 'arm64',
  x86_64: 'amd64',
};

function text(value: unknown): string | undefined {
  const s = str(value)?.trim();
  return s === '' ? undefined : s;
}

/** CPU and OS defaults and fallbacks, then os_pretty_version. */
export const platformRule: Rule = {
  name: 'platform',
  run(state) {
    const p = state.processed;
    p.cpu_arch = text(p.cpu_arch) ?? UNKNOWN_CPU;
    p.cpu_info = text(p.cpu_info) ?? UNKNOWN_CPU;
    p.cpu_count = typeof p.cpu_count === 'number' ? p.cpu_count : 0;
    if (p.cpu_arch === UNKNOWN_CPU) {
      const abi = annotation(state, 'Android_CPU_ABI');
      if (abi !== undefined) {
        // NOTE: an ABI without a different name (x86, say) is kept as is.
        p.cpu_arch = ANDROID_ABI_ARCH[abi] ?? abi;
      }
    }

    p.os_name = text(p.os_name) ?? UNKNOWN_OS;
    if (p.os_name === UNKNOWN_OS || p.os_name === 'Android') {
      // Android_Version reads like "34 (REL)": the SDK level comes first.
      const sdk = annotation(state, 'Android_Version')?.match(/^\d+/)?.[0];
      if (sdk !== undefined) {
        p.os_name = 'Android';
        p.os_version = sdk;
      }
    }

    // Reports without a minidump carry their platform as annotations.
    const fallbacks: [
      field: string,
      name: string,
      unset: string | undefined,
    ][] = [
      ['cpu_arch', 'CPUArchitecture', UNKNOWN_CPU],
      ['cpu_info', 'CPUInfo', UNKNOWN_CPU],
      ['os_name', 'OS', UNKNOWN_OS],
      ['os_version', 'OSVersion', undefined],
    ];
    for (const [field, name, unset] of fallbacks) {
      const value = annotation(state, name);
      if (value !== undefined && text(p[field]) === unset) {
        p[field] = value;
      }
    }

    const lsb = record(record(p.json_dump).lsb_release);
    p.os_pretty_version = prettyOsVersion(
      str(p.os_name),
      text(p.os_version),
      text(lsb.description) ?? annotation(state, 'LinuxLSBDescription'),
    );
  },
};
