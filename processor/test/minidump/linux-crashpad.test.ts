import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readMinidump, StreamType } from '../../src/minidump/index.js';
import { MinidumpWriter } from '../support/minidump-writer.js';

const maps = [
  '00400000-0041a000 r-xp 00000000 08:01 1234       /home/user/crash',
  '7f513fe54000-7f513ff5c000 r-xp 00000000 08:01 99 /lib/x86_64-linux-gnu/libm-2.23.so',
  '7fff5ae2b000-7fff5ae4c000 rw-p 00000000 00:00 0                          [stack]',
  'ffffffffff600000-ffffffffff601000 r-xp 00000000 00:00 0',
  'garbage line',
].join('\n');

function auxv(): Buffer {
  const buf = Buffer.alloc(48);
  buf.writeBigUInt64LE(6n, 0); // AT_PAGESZ
  buf.writeBigUInt64LE(4096n, 8);
  buf.writeBigUInt64LE(33n, 16); // AT_SYSINFO_EHDR
  buf.writeBigUInt64LE(0x7fff5aef1000n, 24);
  return buf; // then AT_NULL
}

describe('Linux streams', () => {
  const dump = new MinidumpWriter({ cpu: 'amd64', os: 'linux' })
    .addLinuxStream(
      StreamType.LinuxCpuInfo,
      'processor\t: 0\nvendor_id\t: GenuineIntel\nmicrocode\t: 0xb4\n\n',
    )
    .addLinuxStream(
      StreamType.LinuxProcStatus,
      'Name:\tcrash\nState:\tR (running)\nPid:\t1304\n',
    )
    .addLinuxStream(
      StreamType.LinuxLsbRelease,
      'DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=16.04\nDISTRIB_CODENAME=xenial\nDISTRIB_DESCRIPTION="Ubuntu 16.04.3 LTS"\n',
    )
    .addLinuxStream(
      StreamType.LinuxCmdLine,
      Buffer.from('./crash\0--flag\0a b\0'),
    )
    .addLinuxStream(
      StreamType.LinuxEnviron,
      Buffer.from('HOME=/root\0TOKEN=secret\0'),
    )
    .addLinuxStream(StreamType.LinuxAuxv, auxv())
    .addLinuxStream(StreamType.LinuxMaps, maps)
    .addLinuxStream(StreamType.LinuxDsoDebug, Buffer.alloc(40))
    .build();
  const d = readMinidump(dump);

  it('parses every stream without soft errors', () => {
    assert.deepEqual(d.softErrors, []);
  });

  it('cpuinfo text and microcode version', () => {
    assert.match(d.linux.cpuInfo ?? '', /GenuineIntel/);
    assert.equal(d.linux.microcodeVersion, 0xb4n);
  });

  it('proc status as key/value pairs; pid falls back to it', () => {
    assert.equal(d.linux.procStatus?.get('Name'), 'crash');
    assert.equal(d.linux.procStatus?.get('State'), 'R (running)');
    assert.equal(d.pid, 1304);
  });

  it('lsb-release fields, quotes removed', () => {
    assert.deepEqual(d.linux.lsbRelease, {
      id: 'Ubuntu',
      release: '16.04',
      codename: 'xenial',
      description: 'Ubuntu 16.04.3 LTS',
    });
  });

  it('os-release style files too', () => {
    const other = readMinidump(
      new MinidumpWriter({ cpu: 'arm64', os: 'linux' })
        .addLinuxStream(
          StreamType.LinuxLsbRelease,
          [
            'NAME="Debian GNU/Linux"',
            'ID=debian',
            'VERSION_ID="12"',
            'VERSION_CODENAME=bookworm',
            'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
          ].join('\n'),
        )
        .build(),
    );
    assert.deepEqual(other.linux.lsbRelease, {
      id: 'debian',
      release: '12',
      codename: 'bookworm',
      description: 'Debian GNU/Linux 12 (bookworm)',
    });
  });

  it('command line arguments', () => {
    assert.deepEqual(d.linux.cmdline, ['./crash', '--flag', 'a b']);
  });

  it('environment is read but marked protected', () => {
    assert.equal(d.linux.environ?.protected, true);
    assert.deepEqual(d.linux.environ?.value, ['HOME=/root', 'TOKEN=secret']);
  });

  it('auxv pairs up to AT_NULL', () => {
    assert.deepEqual(d.linux.auxv, [
      { type: 6n, value: 4096n },
      { type: 33n, value: 0x7fff5aef1000n },
    ]);
  });

  it('maps: one entry per valid line, exact 64-bit addresses', () => {
    assert.equal(d.linux.maps?.length, 4);
    assert.deepEqual(d.linux.maps?.[0], {
      start: 0x400000n,
      end: 0x41a000n,
      permissions: 'r-xp',
      offset: 0n,
      device: '08:01',
      inode: 1234,
      path: '/home/user/crash',
    });
    assert.equal(d.linux.maps?.[2]?.path, '[stack]');
    assert.equal(d.linux.maps?.[3]?.start, 0xffffffffff600000n);
    assert.equal(d.linux.maps?.[3]?.path, '');
  });

  it('DSO debug stream size', () => {
    assert.equal(d.linux.dsoDebugSize, 40);
  });

  it('32-bit auxv uses 4-byte words', () => {
    const buf = Buffer.alloc(16);
    buf.writeUInt32LE(6, 0);
    buf.writeUInt32LE(4096, 4);
    const x86 = readMinidump(
      new MinidumpWriter({ cpu: 'x86', os: 'linux' })
        .addLinuxStream(StreamType.LinuxAuxv, buf)
        .build(),
    );
    assert.deepEqual(x86.linux.auxv, [{ type: 6n, value: 4096n }]);
  });

  it('no Linux streams gives an empty object', () => {
    assert.deepEqual(
      readMinidump(new MinidumpWriter({ cpu: 'x86', os: 'windows' }).build())
        .linux,
      {},
    );
  });
});

describe('Crashpad info stream', () => {
  const reportId = '42F9DE72-518A-43DD-97D7-8DDC328D3662';
  const clientId = '6FD2B3B9-9833-4B2F-BBF7-0BCF501BAD7E';

  it('ids, simple annotations, module list and simple annotations, objects', () => {
    const d = readMinidump(
      new MinidumpWriter({ cpu: 'arm64', os: 'macos' })
        .setCrashpadInfo({
          reportId,
          clientId,
          simple: { hello: 'world', prod: 'Example' },
          modules: [
            { index: 16, list: ['abort() called'] },
            {
              index: 1,
              simple: { ver: '1.4.3' },
              objects: [
                { name: 'exceptionName', type: 1, value: 'NSRangeException' },
                {
                  name: 'CounterAnnotation',
                  type: 0x802a,
                  value: Buffer.from([1, 2, 3, 4]),
                },
              ],
            },
          ],
        })
        .build(),
    );
    assert.deepEqual(d.softErrors, []);
    const c = d.crashpad;
    assert.ok(c);
    assert.equal(c.reportId, reportId);
    assert.equal(c.clientId, clientId);
    assert.deepEqual(
      [...c.simpleAnnotations],
      [
        ['hello', 'world'],
        ['prod', 'Example'],
      ],
    );
    assert.equal(c.addressMask, undefined);
    assert.deepEqual(
      c.modules.map((m) => m.moduleIndex),
      [16, 1],
    );
    assert.deepEqual(c.modules[0]?.listAnnotations, ['abort() called']);
    assert.deepEqual(
      [...(c.modules[1]?.simpleAnnotations ?? [])],
      [['ver', '1.4.3']],
    );
    const objects = c.modules[1]?.annotationObjects ?? [];
    assert.deepEqual(
      objects.map((o) => [o.name, o.type, o.text]),
      [
        ['exceptionName', 1, 'NSRangeException'],
        ['CounterAnnotation', 0x802a, undefined],
      ],
    );
    assert.deepEqual([...(objects[1]?.value ?? [])], [1, 2, 3, 4]);
  });

  it('the 64-byte stream carries the pointer-authentication mask', () => {
    const d = readMinidump(
      new MinidumpWriter({ cpu: 'arm64', os: 'ios' })
        .setCrashpadInfo({ addressMask: 0xffff800000000000n })
        .build(),
    );
    assert.equal(d.crashpad?.addressMask, 0xffff800000000000n);
    assert.deepEqual(d.crashpad?.modules, []);
  });

  it('old 20-byte module entries have no annotation objects', () => {
    const d = readMinidump(
      new MinidumpWriter({ cpu: 'amd64', os: 'macos' })
        .setCrashpadInfo({
          modules: [
            {
              index: 1,
              legacy: true,
              simple: { _productName: 'Kevin', platform: 'darwin' },
            },
          ],
        })
        .build(),
    );
    assert.deepEqual(d.softErrors, []);
    const m = d.crashpad?.modules[0];
    assert.deepEqual(
      [...(m?.simpleAnnotations ?? [])],
      [
        ['_productName', 'Kevin'],
        ['platform', 'darwin'],
      ],
    );
    assert.deepEqual(m?.annotationObjects, []);
  });

  it('a broken annotation is a soft error; the rest is kept', () => {
    const dump = new MinidumpWriter({ cpu: 'amd64', os: 'linux' })
      .setCrashpadInfo({ simple: { a: '1', b: '2' } })
      .build();
    // The dictionary's first key string: make its length absurd.
    const keyRva = dump.indexOf(Buffer.from([1, 0, 0, 0, 0x61, 0]));
    const bad = Buffer.from(dump);
    bad.writeUInt32LE(0x7fffffff, keyRva);
    const d = readMinidump(bad);
    assert.deepEqual([...(d.crashpad?.simpleAnnotations ?? [])], [['b', '2']]);
    assert.equal(d.softErrors.length, 1);
    assert.equal(d.softErrors[0]?.stream, 'CrashpadInfoStream');
  });
});
