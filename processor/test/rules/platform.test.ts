import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { platformRule } from '../../src/rules/platform.js';
import { runOnState } from '../support/rule-state.js';

async function run(
  raw: Record<string, unknown>,
  processed: Record<string, unknown> = {},
): Promise<Record<string, unknown>> {
  const state = await runOnState([platformRule], raw, processed);
  assert.deepEqual(state.notes, []);
  return state.processed;
}

/** What the minidump rule leaves for a walked Windows dump. */
const WALKED = {
  os_name: 'Windows NT',
  os_version: '10.0.22631',
  cpu_arch: 'amd64',
  cpu_info: 'family 6',
  cpu_count: 8,
};

describe('platform rule', () => {
  it('writes the unknown values when nothing tells', async () => {
    const p = await run({});
    assert.equal(p.cpu_arch, 'unknown');
    assert.equal(p.cpu_info, 'unknown');
    assert.equal(p.cpu_count, 0);
    assert.equal(p.os_name, 'Unknown');
    assert.equal(p.os_pretty_version, 'Unknown');
  });

  it('keeps what the stack walk found', async () => {
    const p = await run(
      {
        Android_CPU_ABI: 'arm64-v8a',
        Android_Version: '34 (REL)',
        CPUArchitecture: 'x86',
        OS: 'Linux',
      },
      WALKED,
    );
    assert.deepEqual(
      { ...p, os_pretty_version: undefined },
      { ...WALKED, os_pretty_version: undefined },
    );
    assert.equal(p.os_pretty_version, 'Windows 11');
  });

  it('reads an Android report from its Android annotations', async () => {
    for (const [abi, arch] of [
      ['armeabi-v7a', 'arm'],
      ['arm64-v8a', 'arm64'],
      ['x86_64', 'amd64'],
      ['x86', 'x86'],
    ]) {
      const p = await run({
        Android_CPU_ABI: abi,
        Android_Version: '34 (REL)',
      });
      assert.equal(p.cpu_arch, arch, abi);
      assert.equal(p.os_name, 'Android');
      assert.equal(p.os_version, '34');
      assert.equal(p.os_pretty_version, 'Android 34');
    }
    // A walked Android dump gets its SDK level as the version.
    const walked = await run(
      { Android_Version: '30 (REL)' },
      { os_name: 'Android', os_version: '0.0.0 Linux 4.14' },
    );
    assert.equal(walked.os_version, '30');
  });

  it('falls back to the platform annotations of a report without a dump', async () => {
    const p = await run({
      CPUArchitecture: 'arm64',
      CPUInfo: 'Apple M2',
      OS: 'Mac OS X',
      OSVersion: '14.5.0',
    });
    assert.equal(p.cpu_arch, 'arm64');
    assert.equal(p.cpu_info, 'Apple M2');
    assert.equal(p.os_name, 'Mac OS X');
    assert.equal(p.os_version, '14.5.0');
    assert.equal(p.os_pretty_version, 'macOS 14');
  });

  it('names a Linux from lsb_release, then LinuxLSBDescription', async () => {
    const linux = { os_name: 'Linux', os_version: '6.8.0' };
    const fromDump = await run(
      { LinuxLSBDescription: 'Other 1' },
      { ...linux, json_dump: { lsb_release: { description: 'Ubuntu 24.04' } } },
    );
    assert.equal(fromDump.os_pretty_version, 'Ubuntu 24.04');
    const fromAnnotation = await run(
      { LinuxLSBDescription: 'Fedora Linux 40' },
      { ...linux, json_dump: { lsb_release: null } },
    );
    assert.equal(fromAnnotation.os_pretty_version, 'Fedora Linux 40');
    assert.equal((await run({}, linux)).os_pretty_version, 'Linux');
  });
});
