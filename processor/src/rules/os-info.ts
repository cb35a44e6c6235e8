/**
 * Readable operating system names, as crash reports show them: "Windows 11"
 * rather than "Windows NT 10.0.22631", "macOS 14" rather than "Mac OS X
 * 14.5.0", "OS X 10.15" for the releases before 11.
 */

const WINDOWS_VERSIONS: [prefix: string, name: string][] = [
  ['6.3', 'Windows 8.1'],
  ['6.2', 'Windows 8'],
  ['6.1', 'Windows 7'],
  ['6.0', 'Windows Vista'],
  ['5.2', 'Windows Server 2003'],
  ['5.1', 'Windows XP'],
  ['5.0', 'Windows 2000'],
];

/** The readable name of an OS and version as the stack walker reports them. */
export function prettyOsVersion(
  osName: string | undefined,
  osVersion: string | undefined,
  linuxDescription?: string,
): string | undefined {
  if (!osName) {
    return undefined;
  }
  const version = osVersion?.trim() ?? '';
  switch (osName) {
    case 'Windows NT':
      return prettyWindows(version);
    case 'Mac OS X':
    case 'macOS':
      return prettyMac(version);
    case 'Linux':
      return linuxDescription?.trim() || 'Linux';
    default:
      return version ? `${osName} ${version}` : osName;
  }
}

function prettyWindows(version: string): string {
  const [major, minor, build] = version.split(/[. ]/).map(Number);
  if (major === 10 && minor === 0) {
    // Windows 11 kept the 10.0 version; its builds (the first previews
    // included) start at 21996.
    return build !== undefined && build >= 21996 ? 'Windows 11' : 'Windows 10';
  }
  const match = WINDOWS_VERSIONS.find(
    ([prefix]) => version.startsWith(`${prefix}.`) || version === prefix,
  );
  return match ? match[1] : `Windows NT ${version}`.trim();
}

function prettyMac(version: string): string {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major >= 11) {
    return `macOS ${major}`;
  }
  return major === 10 ? `OS X 10.${minor}` : `macOS ${version}`.trim();
}
