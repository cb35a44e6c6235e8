import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathLeaf, readMinidump } from '../../src/minidump/index.js';
import { findStream, patchU32 } from '../support/minidump-corrupt.js';
import {
  MinidumpWriter,
  type WriterCpu,
  type WriterOs,
} from '../support/minidump-writer.js';

function modulesOf(
  cpu: WriterCpu,
  os: WriterOs,
  setup: (w: MinidumpWriter) => MinidumpWriter,
) {
  const d = readMinidump(setup(new MinidumpWriter({ cpu, os })).build());
  assert.deepEqual(d.softErrors, []);
  return d;
}

describe('module list', () => {
  it('Windows PDB 7.0 (RSDS): debug id, debug file, code id, version', () => {
    const d = modulesOf('x86', 'windows', (w) =>
      w
        .addModule({
          base: 0x400000n,
          size: 0x2d000,
          name: 'c:\\test_app.exe',
          timeDateStamp: 0x45d35f6c,
          pdb: {
            guid: '5a9832e5-2872-41c1-838e-d98914e9b7ff',
            age: 1,
            file: 'c:\\test_app.pdb',
          },
        })
        .addModule({
          base: 0x7c900000n,
          size: 0xb0000,
          name: 'C:\\WINDOWS\\system32\\ntdll.dll',
          timeDateStamp: 0x411096b4,
          version: [5, 1, 2600, 2180],
          pdb: {
            guid: '36515FB5D04345E491F672FA2E2878C0',
            age: 0x1a,
            file: 'ntdll.pdb',
          },
        }),
    );
    const [app, ntdll] = d.modules;
    assert.ok(app && ntdll);
    assert.equal(app.index, 0);
    assert.equal(app.codeFile, 'c:\\test_app.exe');
    assert.equal(app.debugFile, 'c:\\test_app.pdb');
    assert.equal(pathLeaf(app.debugFile ?? ''), 'test_app.pdb');
    assert.equal(app.debugId, '5A9832E5287241C1838ED98914E9B7FF1');
    assert.equal(app.codeId, '45d35f6c2d000');
    assert.equal(app.version, undefined);
    assert.equal(app.end, 0x42d000n);
    // Age is unpadded uppercase hex.
    assert.equal(ntdll.debugId, '36515FB5D04345E491F672FA2E2878C01A');
    assert.equal(ntdll.version, '5.1.2600.2180');
    assert.equal(ntdll.versionInfo?.fileVersionHi, 0x50001);
  });

  it('PDB 2.0 (NB10)', () => {
    const d = modulesOf('x86', 'windows', (w) =>
      w.addModule({
        base: 0x10000000n,
        size: 0x1000,
        name: 'old.dll',
        timeDateStamp: 0x3a000000,
        nb10: { signature: 0x3c0ffee, age: 2, file: 'old.pdb' },
      }),
    );
    assert.equal(d.modules[0]?.debugId, '03C0FFEE2');
    assert.equal(d.modules[0]?.debugFile, 'old.pdb');
    assert.equal(d.modules[0]?.codeId, '3a0000001000');
  });

  it('ELF build ids: GUID byte order + age 0, full code id, code file leaf', () => {
    const d = modulesOf('amd64', 'linux', (w) =>
      w
        .addModule({
          base: 0x400000n,
          size: 0x1a000,
          name: '/home/user/crash',
          buildId: Buffer.from(
            'f1c3bcc0279865fe3058404b2831d9e64135386c',
            'hex',
          ),
        })
        .addModule({
          base: 0x200000n,
          size: 0x1000,
          name: '/opt/linux_inline',
          buildId: Buffer.from('10faa6bbaab83db3', 'hex'),
        })
        .addModule({
          base: 0x7f0000000000n,
          size: 0x1000,
          name: '/usr/share/fonts/x.ttf',
          buildId: Buffer.alloc(20),
        }),
    );
    const [crash, inline, font] = d.modules;
    assert.equal(crash?.debugId, 'C0BCC3F19827FE653058404B2831D9E60');
    assert.equal(crash?.codeId, 'f1c3bcc0279865fe3058404b2831d9e64135386c');
    assert.equal(crash?.debugFile, 'crash');
    assert.equal(inline?.debugId, 'BBA6FA10B8AAB33D00000000000000000');
    assert.equal(inline?.codeId, '10faa6bbaab83db3');
    assert.equal(font?.codeId, undefined);
  });

  it('macOS modules: code id is the UUID without age', () => {
    const d = modulesOf('arm64', 'macos', (w) =>
      w.addModule({
        base: 0x102a54000n,
        size: 0x1000,
        name: '/bin/crash-client',
        version: [1, 2, 3, 4],
        pdb: {
          guid: '509C0610-9498-36F7-B70B-D88BCF03E540',
          age: 0,
          file: 'crash-client',
        },
      }),
    );
    const m = d.modules[0];
    assert.equal(m?.debugId, '509C0610949836F7B70BD88BCF03E5400');
    assert.equal(m?.codeId, '509c0610949836f7b70bd88bcf03e540');
    assert.equal(m?.version, '1.2.3.4');
  });

  it('modules without a CodeView record have no debug id', () => {
    const d = modulesOf('x86', 'windows', (w) =>
      w.addModule({
        base: 0x400000n,
        size: 0x17000,
        name: 'allocer32.exe',
        timeDateStamp: 0x5f5f2c88,
      }),
    );
    assert.equal(d.modules[0]?.debugId, undefined);
    assert.equal(d.modules[0]?.debugFile, undefined);
    assert.equal(d.modules[0]?.codeId, '5f5f2c8817000');
    const linux = modulesOf('amd64', 'linux', (w) =>
      w.addModule({ base: 0x1000n, size: 0x1000, name: 'SYSV0000' }),
    );
    assert.equal(linux.modules[0]?.codeId, undefined);
  });

  it('looks modules up by address (sorted, overlapping, 64-bit exact)', () => {
    const top = 0xffffffffff600000n;
    const d = modulesOf('amd64', 'linux', (w) =>
      w
        .addModule({ base: 0x7f0000000000n, size: 0x100000, name: 'big.so' })
        .addModule({ base: 0x400000n, size: 0x1000, name: 'main' })
        .addModule({ base: 0x7f0000010000n, size: 0x1000, name: 'inside.so' })
        .addModule({ base: top, size: 0x1000, name: '[vsyscall]' }),
    );
    assert.deepEqual(
      d.modules.map((m) => pathLeaf(m.codeFile)),
      ['big.so', 'main', 'inside.so', '[vsyscall]'],
    );
    assert.equal(d.moduleForAddress(0x400fffn)?.codeFile, 'main');
    assert.equal(d.moduleForAddress(0x401000n), undefined);
    assert.equal(d.moduleForAddress(0x7f0000010010n)?.codeFile, 'inside.so');
    assert.equal(d.moduleForAddress(0x7f0000020000n)?.codeFile, 'big.so');
    assert.equal(d.moduleForAddress(top + 0xfffn)?.codeFile, '[vsyscall]');
    assert.equal(d.moduleForAddress(top + 0x1000n), undefined);
  });

  it('lists unloaded modules and finds them by address', () => {
    const d = modulesOf('amd64', 'windows', (w) =>
      w.addUnloadedModule({
        base: 0x7ff800000000n,
        size: 0x2000,
        name: 'C:\\gone.dll',
        timeDateStamp: 0x5e000000,
      }),
    );
    const u = d.unloadedModules[0];
    assert.equal(u?.codeFile, 'C:\\gone.dll');
    assert.equal(u?.codeId, '5e0000002000');
    assert.equal(d.unloadedModulesForAddress(0x7ff800001000n)[0], u);
    assert.deepEqual(d.unloadedModulesForAddress(0x7ff800002000n), []);
  });

  it('skips a module whose name cannot be read, keeping the others', () => {
    const dump = new MinidumpWriter({ cpu: 'amd64', os: 'linux' })
      .addModule({ base: 0x1000n, size: 0x1000, name: 'a' })
      .addModule({ base: 0x2000n, size: 0x1000, name: 'b' })
      .build();
    // Point the first module's name RVA past the end of the file.
    const list = findStream(dump, 4).rva;
    const d = readMinidump(patchU32(dump, list + 4 + 20, 0xfffffff0));
    assert.deepEqual(
      d.modules.map((m) => m.codeFile),
      ['b'],
    );
    assert.equal(d.softErrors[0]?.code, 'truncated');
    assert.equal(d.softErrors[0]?.stream, 'ModuleListStream');
  });
});
