/**
 * Every real dump of the shared corpus parses, and the facts its README
 * lists hold.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  isMinidumpError,
  pathLeaf,
  readMinidump,
} from '../../src/minidump/index.js';
import { corpusDump, corpusFile, corpusRoot, corpusSkip } from './corpus.js';

function allDumps(): string[] {
  if (corpusSkip) {
    return [];
  }
  return readdirSync(join(corpusRoot, 'dumps'), {
    recursive: true,
    encoding: 'utf8',
  })
    .filter((f) => f.endsWith('.dmp'))
    .sort();
}

describe('real dumps: every file parses', { skip: corpusSkip }, () => {
  for (const path of allDumps()) {
    it(path, () => {
      const buf = corpusFile(join('dumps', path));
      if (path.startsWith('malformed')) {
        try {
          const d = readMinidump(buf);
          assert.ok(
            d.softErrors.length > 0,
            'a corrupt dump should report soft errors',
          );
        } catch (err) {
          assert.ok(isMinidumpError(err));
        }
        return;
      }
      const d = readMinidump(buf);
      assert.deepEqual(d.softErrors, []);
      assert.ok(d.systemInfo);
      assert.ok(d.threads.length > 0);
      assert.ok(d.modules.length > 0);
      for (const t of d.threads) {
        const ctx = d.contextForThread(t);
        assert.ok(
          ctx?.ip !== undefined && ctx.sp !== undefined,
          `thread ${t.id} context`,
        );
        assert.ok(t.stack, `thread ${t.id} stack`);
      }
      if (d.crash !== undefined) {
        assert.notEqual(d.crash.threadIndex, undefined);
        assert.ok(d.exception?.context, 'exception context');
      }
    });
  }
});

describe('real dumps: Windows facts', { skip: corpusSkip }, () => {
  it('test.dmp', () => {
    const d = corpusDump('windows-x86/test.dmp');
    assert.equal(d.systemInfo?.osVersionFull, '5.1.2600 Service Pack 2');
    assert.equal(d.crash?.reason, 'EXCEPTION_ACCESS_VIOLATION_WRITE');
    assert.equal(d.crash?.address, 0x45n);
    assert.equal(d.exception?.address, 0x40429en);
    assert.equal(d.crash?.threadIndex, 0);
    assert.equal(d.crash?.threadId, 3060);
    assert.equal(d.threads.length, 2);
    assert.equal(d.modules.length, 13);
    assert.equal(pathLeaf(d.modules[0]?.codeFile ?? ''), 'test_app.exe');
    assert.equal(d.modules[0]?.debugId, '5A9832E5287241C1838ED98914E9B7FF1');
    assert.deepEqual(
      [d.breakpadInfo?.dumpThreadId, d.breakpadInfo?.requestingThreadId],
      [4544, 3060],
    );
    const [t0, t1] = d.threads;
    assert.ok(t0 && t1);
    assert.ok(d.isDumpWriterThread(t1));
    // The thread list holds the handler's state; the exception context is the crash.
    assert.equal(t0.context?.ip, 0x7c90eb94n);
    const ctx = d.contextForThread(t0);
    assert.deepEqual(
      [ctx?.ip, ctx?.sp, ctx?.fp, ctx?.get('eflags')],
      [0x40429en, 0x12fe84n, 0x12fe88n, 0x10246n],
    );
    assert.equal(d.pid, 3932);
    assert.equal(d.processUptime, 0);
  });

  it('minidump_32bit_crash_addr.dmp masks the sign-extended address', () => {
    const d = corpusDump('windows-x86/minidump_32bit_crash_addr.dmp');
    assert.equal(d.exception?.parameters[1], 0xffffffff00000045n);
    assert.equal(d.crash?.address, 0x45n);
    assert.equal(d.crash?.reason, 'EXCEPTION_ACCESS_VIOLATION_WRITE');
  });

  it('thread_name_list.dmp', () => {
    const d = corpusDump('windows-x86/thread_name_list.dmp');
    assert.equal(d.systemInfo?.osVersion, '10.0.17763');
    assert.equal(d.systemInfo?.cpuCount, 8);
    assert.equal(d.crash?.reason, 'EXCEPTION_ACCESS_VIOLATION_READ');
    assert.equal(d.crash?.address, 0xf1004n);
    assert.equal(d.crash?.threadIndex, 5);
    assert.equal(d.crash?.threadId, 10976);
    assert.equal(d.threads.length, 6);
    assert.equal(d.modules.length, 17);
    const names = Object.fromEntries(
      d.threads.filter((t) => t.name).map((t) => [t.id, t.name]),
    );
    assert.deepEqual(names, {
      6564: 'main thread',
      8820: 'sleep thread',
      10976: 'overflow thread',
    });
    assert.equal(pathLeaf(d.modules[0]?.codeFile ?? ''), 'allocer32.exe');
    assert.equal(d.modules[0]?.debugId, undefined);
  });

  it('tiny-exe-fastfail.dmp', () => {
    const d = corpusDump('windows-amd64/tiny-exe-fastfail.dmp');
    assert.equal(d.systemInfo?.osVersion, '10.0.19042');
    assert.equal(d.systemInfo?.cpuCount, 36);
    assert.equal(
      d.crash?.reason,
      'EXCEPTION_STACK_BUFFER_OVERRUN / FAST_FAIL_FATAL_APP_EXIT',
    );
    assert.equal(d.crash?.address, 0x7ff75355af42n);
    assert.deepEqual([d.crash?.threadIndex, d.crash?.threadId], [0, 24440]);
    assert.deepEqual([d.threads.length, d.modules.length], [4, 21]);
    assert.equal(pathLeaf(d.modules[0]?.codeFile ?? ''), 'tiny.exe');
  });

  it('write_av_non_canonical.dmp', () => {
    const d = corpusDump('windows-amd64/write_av_non_canonical.dmp');
    assert.equal(d.crash?.reason, 'EXCEPTION_ACCESS_VIOLATION_READ');
    assert.equal(d.crash?.address, 0xffffffffffffffffn);
    assert.equal(d.crash?.nonCanonicalAddress, true);
    assert.deepEqual([d.crash?.threadIndex, d.crash?.threadId], [0, 4488]);
    assert.deepEqual([d.threads.length, d.modules.length], [2, 15]);
    assert.equal(pathLeaf(d.modules[0]?.codeFile ?? ''), 'crash.exe');
  });

  it('tiny-exe-with-cet-xsave.dmp: no exception, 1407-byte context', () => {
    const d = corpusDump('windows-amd64/tiny-exe-with-cet-xsave.dmp');
    assert.equal(d.systemInfo?.osVersionFull, '10.0.22000 282');
    assert.equal(d.exception, undefined);
    assert.equal(d.crash, undefined);
    assert.equal(d.threads.length, 1);
    const ctx = d.threads[0]?.context;
    assert.equal(ctx?.raw?.length, 1407);
    assert.equal(ctx?.cpu, 'amd64');
    assert.ok(ctx?.ip !== undefined && d.moduleForAddress(ctx.ip));
    assert.equal(d.modules.length, 25);
    assert.ok(d.unloadedModules.length > 0);
    assert.ok(d.memoryInfo.length > 0);
    assert.ok(d.streamEntry(12), 'HandleData stream listed');
  });

  it('invalid-parameter.dmp: assertion info', () => {
    const d = corpusDump('windows-amd64/invalid-parameter.dmp');
    assert.equal(d.systemInfo?.osVersion, '10.0.17134');
    assert.equal(d.crash?.reason, 'STATUS_INVALID_PARAMETER');
    assert.equal(d.crash?.address, 0n);
    assert.deepEqual(d.assertion, {
      expression: 'format != nullptr',
      function: 'common_vfprintf',
      file: 'minkernel\\crts\\ucrt\\src\\appcrt\\stdio\\output.cpp',
      line: 32,
      type: 1,
    });
    assert.deepEqual([d.threads.length, d.modules.length], [6, 31]);
    assert.equal(pathLeaf(d.modules[0]?.codeFile ?? ''), 'CrashTest.exe');
    assert.deepEqual(
      [d.breakpadInfo?.dumpThreadId, d.breakpadInfo?.requestingThreadId],
      [4944, 5896],
    );
  });

  it('electron-1.4.3-windows.dmp', () => {
    const d = corpusDump('windows-amd64/electron-1.4.3-windows.dmp');
    assert.equal(d.systemInfo?.osVersion, '10.0.14393');
    assert.equal(d.crash?.reason, 'EXCEPTION_ACCESS_VIOLATION_WRITE');
    assert.equal(d.crash?.address, 0n);
    assert.deepEqual([d.threads.length, d.modules.length], [14, 58]);
    const main = d.modules[0];
    assert.equal(pathLeaf(main?.codeFile ?? ''), 'electron.exe');
    assert.equal(pathLeaf(main?.debugFile ?? ''), 'electron.exe.pdb');
    assert.equal(main?.debugId, '2AC9BCFD148345439667328ACC4760541');
  });
});
