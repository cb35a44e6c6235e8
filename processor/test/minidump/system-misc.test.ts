import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { describeAssertion, readMinidump } from '../../src/minidump/index.js';
import { MinidumpWriter } from '../support/minidump-writer.js';

describe('system info', () => {
  it('Windows x86: version, service pack, vendor in the CPU description', () => {
    const d = readMinidump(
      new MinidumpWriter({ cpu: 'x86', os: 'windows' })
        .systemInfo({
          major: 5,
          minor: 1,
          build: 2600,
          csd: 'Service Pack 2',
          vendor: 'GenuineIntel',
          level: 6,
          revision: 0x0d08,
          cpuCount: 1,
        })
        .build(),
    );
    const s = d.systemInfo;
    assert.ok(s);
    assert.equal(d.os, 'windows');
    assert.equal(d.cpu, 'x86');
    assert.equal(s.osName, 'Windows NT');
    assert.equal(s.osVersion, '5.1.2600');
    assert.equal(s.osBuild, 'Service Pack 2');
    assert.equal(s.osVersionFull, '5.1.2600 Service Pack 2');
    assert.equal(s.csdVersion, 'Service Pack 2');
    assert.equal(s.cpuInfo, 'GenuineIntel family 6 model 13 stepping 8');
    assert.equal(s.x86CpuId?.vendor, 'GenuineIntel');
    assert.equal(s.cpuCount, 1);
  });

  it('Linux amd64: version parsed from the uname text, no vendor', () => {
    const d = readMinidump(
      new MinidumpWriter({ cpu: 'amd64', os: 'linux' })
        .systemInfo({
          csd: 'Linux 4.9.60-linuxkit-aufs #1 SMP Mon Nov 6 16:00:12 UTC 2017 x86_64',
          level: 6,
          revision: 0x4601,
        })
        .build(),
    );
    const s = d.systemInfo;
    assert.equal(s?.osName, 'Linux');
    assert.equal(s?.osVersion, '4.9.60-linuxkit-aufs');
    assert.equal(
      s?.osVersionFull,
      '4.9.60-linuxkit-aufs #1 SMP Mon Nov 6 16:00:12 UTC 2017',
    );
    assert.equal(s?.cpuInfo, 'family 6 model 70 stepping 1');
    assert.equal(s?.x86CpuId, undefined);
  });

  it('macOS arm64 and iOS names; arm64 has no CPU description', () => {
    const mac = readMinidump(
      new MinidumpWriter({ cpu: 'arm64', os: 'macos' })
        .systemInfo({ major: 11, minor: 6, build: 7, csd: '20G630' })
        .build(),
    );
    assert.equal(mac.systemInfo?.osName, 'Mac OS X');
    assert.equal(mac.systemInfo?.osVersionFull, '11.6.7 20G630');
    assert.equal(mac.systemInfo?.cpuInfo, undefined);
    const ios = readMinidump(
      new MinidumpWriter({ cpu: 'arm64', os: 'ios' }).build(),
    );
    assert.equal(ios.systemInfo?.osName, 'iOS');
    assert.equal(ios.systemInfo?.csdVersion, undefined);
  });

  it('is absent without the stream; os/cpu become unknown', () => {
    const d = readMinidump(
      new MinidumpWriter({ cpu: 'amd64' }).withoutSystemInfo().build(),
    );
    assert.equal(d.systemInfo, undefined);
    assert.equal(d.os, 'unknown');
    assert.equal(d.cpu, 'unknown');
  });
});

describe('misc info', () => {
  for (const size of [24, 44, 232, 832, 1364]) {
    it(`reads pid and times from a ${size}-byte stream`, () => {
      const d = readMinidump(
        new MinidumpWriter({ cpu: 'amd64', os: 'windows' })
          .time(1_000_100)
          .setMiscInfo({
            size,
            processId: 4242,
            processCreateTime: 1_000_000,
            buildString: '10.0.22000.282',
          })
          .build(),
      );
      const m = d.miscInfo;
      assert.equal(m?.version, [24, 44, 232, 832, 1364].indexOf(size) + 1);
      assert.equal(m?.processId, 4242);
      assert.equal(m?.processCreateTime, 1_000_000);
      assert.equal(d.pid, 4242);
      assert.equal(d.processUptime, 100);
      assert.equal(m?.buildString, size >= 832 ? '10.0.22000.282' : undefined);
    });
  }

  it('leaves unflagged fields undefined', () => {
    const d = readMinidump(
      new MinidumpWriter({ cpu: 'x86', os: 'windows' })
        .setMiscInfo({ size: 232 })
        .build(),
    );
    assert.equal(d.miscInfo?.processId, undefined);
    assert.equal(d.miscInfo?.timeZone, undefined);
    assert.equal(d.processUptime, undefined);
  });

  it('is a soft error when shorter than version 1', () => {
    const d = readMinidump(
      new MinidumpWriter({ cpu: 'x86' })
        .addStream(15, () => Buffer.alloc(20))
        .build(),
    );
    assert.equal(d.miscInfo, undefined);
    assert.equal(d.softErrors[0]?.stream, 'MiscInfoStream');
    assert.equal(d.softErrors[0]?.code, 'truncated');
  });
});

describe('Breakpad info and assertion info', () => {
  it('reads dump and requesting thread ids by their validity bits', () => {
    const both = readMinidump(
      new MinidumpWriter({ cpu: 'x86', os: 'windows' })
        .addThread({ id: 3060 })
        .addThread({ id: 4544 })
        .setBreakpadInfo({ dumpThreadId: 4544, requestingThreadId: 3060 })
        .build(),
    );
    assert.equal(both.breakpadInfo?.dumpThreadId, 4544);
    assert.equal(both.requestingThread?.id, 3060);
    const writer = both.threads[1];
    assert.ok(writer && both.isDumpWriterThread(writer));
    const none = readMinidump(
      new MinidumpWriter({ cpu: 'x86' }).setBreakpadInfo({}).build(),
    );
    assert.equal(none.breakpadInfo?.dumpThreadId, undefined);
    assert.equal(none.breakpadInfo?.requestingThreadId, undefined);
  });

  it('reads an assertion and describes it', () => {
    const d = readMinidump(
      new MinidumpWriter({ cpu: 'amd64', os: 'windows' })
        .setAssertion({
          expression: 'format != nullptr',
          function: 'common_vfprintf',
          file: 'output.cpp',
          line: 32,
          type: 1,
        })
        .build(),
    );
    assert.deepEqual(d.assertion, {
      expression: 'format != nullptr',
      function: 'common_vfprintf',
      file: 'output.cpp',
      line: 32,
      type: 1,
    });
    assert.ok(d.assertion);
    assert.equal(
      describeAssertion(d.assertion),
      'Invalid parameter passed to library function: format != nullptr in common_vfprintf (output.cpp:32)',
    );
    assert.equal(
      describeAssertion({ ...d.assertion, type: 2 }).startsWith(
        'Pure virtual function called',
      ),
      true,
    );
  });

  it('treats an all-empty assertion record as absent', () => {
    const d = readMinidump(
      new MinidumpWriter({ cpu: 'amd64', os: 'windows' })
        .setAssertion({
          expression: '',
          function: '',
          file: '',
          line: 0,
          type: 0,
        })
        .build(),
    );
    assert.equal(d.assertion, undefined);
    assert.deepEqual(d.softErrors, []);
  });
});
