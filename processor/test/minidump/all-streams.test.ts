import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readMinidump } from '../../src/minidump/index.js';
import { sampleDump, sampleLayout } from '../support/minidump-sample.js';

describe('every stream, for every CPU', () => {
  for (const cpu of ['x86', 'amd64', 'arm64', 'arm64-old'] as const) {
    it(cpu, () => {
      const d = readMinidump(sampleDump(cpu).build());
      const { stackBase, moduleBase, crashAddress, width } = sampleLayout(cpu);
      assert.deepEqual(d.softErrors, []);
      assert.equal(d.cpu, cpu === 'arm64-old' ? 'arm64' : cpu);
      assert.equal(d.os, 'linux');
      assert.deepEqual(
        d.threads.map((t) => [t.id, t.name]),
        [
          [1, 'main'],
          [2, undefined],
        ],
      );
      const crashed = d.requestingThread;
      assert.ok(crashed);
      const ctx = d.contextForThread(crashed);
      assert.equal(ctx?.ip, moduleBase + 0x1234n);
      assert.equal(ctx?.sp, stackBase + 0x10n);
      assert.equal(ctx?.fp, stackBase + 0x40n);
      assert.equal(ctx?.pointerWidth, width);
      assert.equal(
        d.memory.readPointer(stackBase + 0x10n, width),
        width === 8 ? 0x0101010101010101n : 0x01010101n,
      );
      assert.equal(d.memory.readU32(moduleBase + 0x1000n), 0xcccccccc);
      assert.equal(d.moduleForAddress(ctx?.ip ?? 0n)?.index, 0);
      assert.equal(d.modules[1]?.debugId, '00112233445566778899AABBCCDDEEFF3');
      // Non-Windows/Apple writers store four whole numbers (rust-minidump's rule).
      assert.equal(d.modules[1]?.version, '65538.196612.0.0');
      assert.equal(d.unloadedModules.length, 1);
      assert.equal(d.crash?.reason, 'SIGSEGV / SEGV_MAPERR');
      assert.equal(
        d.crash?.address,
        width === 4 ? crashAddress & 0xffffffffn : crashAddress,
      );
      assert.equal(d.miscInfo?.version, 5);
      assert.equal(d.pid, 4242);
      assert.equal(d.breakpadInfo?.dumpThreadId, 2);
      assert.equal(d.assertion?.line, 1);
      assert.equal(d.crashpad?.modules[0]?.annotationObjects[0]?.text, 'v');
      assert.equal(d.memoryInfo[0]?.regionSize, 0x20000n);
      assert.equal(d.linux.maps?.[0]?.path, '/opt/app/bin/app');
      assert.equal(d.linux.lsbRelease?.id, 'Sample');
    });
  }
});
