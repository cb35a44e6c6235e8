/**
 * Facts of the corpus's Linux, macOS and iOS dumps (see its README).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pathLeaf } from '../../src/minidump/index.js';
import { corpusDump, corpusSkip } from './corpus.js';

describe('real dumps: Linux facts', { skip: corpusSkip }, () => {
  it('linux-mini.dmp', () => {
    const d = corpusDump('linux-amd64/linux-mini.dmp');
    assert.equal(d.systemInfo?.osName, 'Linux');
    assert.equal(d.systemInfo?.osVersion, '4.9.60-linuxkit-aufs');
    assert.equal(d.systemInfo?.cpuCount, 4);
    assert.equal(d.linux.lsbRelease?.description, 'Ubuntu 16.04.3 LTS');
    assert.equal(d.crash?.reason, 'SIGSEGV');
    assert.equal(d.crash?.address, 0x45n);
    assert.deepEqual(
      d.threads.map((t) => t.id),
      [1304],
    );
    assert.equal(d.modules.length, 8);
    assert.equal(pathLeaf(d.modules[0]?.codeFile ?? ''), 'crash');
    assert.equal(d.modules[0]?.debugFile, 'crash');
    for (const key of [
      'cpuInfo',
      'procStatus',
      'lsbRelease',
      'cmdline',
      'environ',
      'auxv',
      'maps',
      'dsoDebugSize',
    ] as const) {
      assert.ok(d.linux[key] !== undefined, key);
    }
    assert.equal(d.linux.environ?.protected, true);
    assert.equal(d.linux.maps?.length, 35);
    assert.equal(d.pid, 1304);
    assert.ok(
      d.rawStream(0x4d7a0004),
      "Mozilla's Linux limits stream is kept raw",
    );
  });

  it('linux_inline.dmp: 8-byte build id', () => {
    const d = corpusDump('linux-amd64/linux_inline.dmp');
    assert.equal(d.systemInfo?.cpuCount, 72);
    assert.equal(d.crash?.reason, 'SIGILL / ILL_ILLOPN');
    assert.equal(d.crash?.address, 0x2161b6n);
    assert.deepEqual([d.threads.length, d.modules.length], [1, 8]);
    const main = d.modules[0];
    assert.equal(pathLeaf(main?.codeFile ?? ''), 'linux_inline');
    assert.equal(main?.base, 0x200000n);
    assert.equal(main?.codeId, '10faa6bbaab83db3');
    assert.equal(main?.debugId, 'BBA6FA10B8AAB33D00000000000000000');
    assert.equal(d.moduleForAddress(0x2161b6n), main);
    assert.deepEqual(d.crashpad?.modules, []);
  });

  it('electron-1.4.3-linux.dmp', () => {
    const d = corpusDump('linux-amd64/electron-1.4.3-linux.dmp');
    assert.match(d.systemInfo?.osVersion ?? '', /^4\.4\.0-38/);
    assert.equal(d.crash?.reason, 'SIGILL');
    assert.equal(d.crash?.address, 0x34785f0n);
    assert.deepEqual([d.threads.length, d.modules.length], [11, 187]);
  });
});

describe('real dumps: macOS and iOS facts', { skip: corpusSkip }, () => {
  it('pipeline-inlines-macos-segv.dmp', () => {
    const d = corpusDump('macos-amd64/pipeline-inlines-macos-segv.dmp');
    assert.equal(d.systemInfo?.osName, 'Mac OS X');
    assert.equal(d.systemInfo?.osVersionFull, '11.6.7 20G630');
    assert.equal(d.systemInfo?.cpuCount, 8);
    assert.equal(d.crash?.reason, 'EXC_BAD_ACCESS / KERN_INVALID_ADDRESS');
    assert.equal(d.crash?.address, 0xffffffff80000042n);
    assert.deepEqual([d.crash?.threadIndex, d.crash?.threadId], [0, 4611]);
    assert.equal(d.threads[0]?.name, 'main');
    assert.deepEqual([d.threads.length, d.modules.length], [11, 47]);
    assert.equal(d.breakpadInfo?.dumpThreadId, 3843);
    const main = d.modules[0];
    assert.equal(main?.debugId, '509C0610949836F7B70BD88BCF03E5400');
    assert.equal(main?.codeId, '509c0610949836f7b70bd88bcf03e540');
    // Its contexts carry only the CPU bit in context_flags.
    assert.equal(d.exception?.context?.flags, 0x100000);
    assert.ok(d.exception?.context?.fp !== undefined);
  });

  it('simple-crashpad.dmp: Crashpad annotations', () => {
    const d = corpusDump('macos-amd64/simple-crashpad.dmp');
    assert.equal(d.systemInfo?.osVersion, '10.15.7');
    assert.deepEqual([d.exception?.code, d.exception?.flags], [0, 0]);
    assert.deepEqual(d.exception?.parameters, [0xan, 0x6000000n, 0n]);
    assert.deepEqual([d.threads.length, d.modules.length], [1, 40]);
    const c = d.crashpad;
    assert.equal(c?.reportId, '42F9DE72-518A-43DD-97D7-8DDC328D3662');
    assert.equal(c?.clientId, '6FD2B3B9-9833-4B2F-BBF7-0BCF501BAD7E');
    assert.deepEqual([...(c?.simpleAnnotations ?? [])], [['hello', 'world']]);
    assert.deepEqual(
      c?.modules.map((m) => [m.moduleIndex, m.listAnnotations]),
      [
        [16, ['abort() called']],
        [39, ['dyld2 mode']],
      ],
    );
  });

  it('electron-1.4.3-mac.dmp: old Crashpad layout', () => {
    const d = corpusDump('macos-amd64/electron-1.4.3-mac.dmp');
    assert.equal(d.systemInfo?.osVersion, '10.11.6');
    assert.equal(d.crash?.reason, 'EXC_BAD_INSTRUCTION / EXC_I386_INVOP');
    assert.deepEqual([d.threads.length, d.modules.length], [17, 217]);
    assert.equal(d.crashpad?.addressMask, undefined);
    const m = d.crashpad?.modules[0];
    assert.equal(m?.moduleIndex, 1);
    assert.deepEqual(m?.annotationObjects, []);
    assert.deepEqual(Object.fromEntries(m?.simpleAnnotations ?? []), {
      _companyName: 'Sawicki',
      _productName: 'Kevin',
      _version: '1.4.3',
      platform: 'darwin',
      process_type: 'renderer',
      prod: 'Electron',
      ver: '1.4.3',
    });
  });

  it('minidump_crashpad_annotation.dmp: annotation objects', () => {
    const d = corpusDump(
      'ios-simulator-amd64/minidump_crashpad_annotation.dmp',
    );
    assert.equal(d.systemInfo?.osName, 'iOS');
    assert.equal(d.exception?.code, 0x43506e78);
    assert.equal(d.crash?.reason, 'Uncaught NSException');
    assert.equal(d.threads.length, 7);
    assert.ok(
      d.threads.some((t) => t.name === 'com.apple.uikit.eventfetch-thread'),
    );
    assert.equal(d.modules.length, 354);
    const c = d.crashpad;
    assert.deepEqual(Object.fromEntries(c?.simpleAnnotations ?? []), {
      crashpad: 'yes',
      plat: 'iOS',
      prod: 'xcuitest',
      ver: '1',
    });
    assert.equal(c?.modules.length, 2);
    const objects =
      c?.modules.find((m) => m.moduleIndex === 1)?.annotationObjects ?? [];
    assert.deepEqual(
      objects.map((o) => o.name),
      [
        'exceptionReason',
        'exceptionName',
        'firstexception_bt',
        'firstexception',
        'CounterAnnotation',
      ],
    );
    assert.deepEqual(
      objects.map((o) => o.type),
      [1, 1, 1, 1, 0x802a],
    );
    assert.equal(objects[1]?.text, 'NSRangeException');
    assert.equal(objects[4]?.value.length, 4);
    assert.match(
      c?.modules.find((m) => m.moduleIndex === 100)?.listAnnotations[0] ?? '',
      /^CoreSimulator/,
    );
  });
});
