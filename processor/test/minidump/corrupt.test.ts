import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  isMinidumpError,
  readMinidump,
  StreamType,
  type Minidump,
  type MinidumpErrorCode,
} from '../../src/minidump/index.js';
import {
  findStream,
  patchU32,
  patchU64,
  scribble,
  setStreamCount,
  setStreamRva,
  setStreamSize,
  setStreamU32,
  truncate,
} from '../support/minidump-corrupt.js';
import { MAX_BAD_ENTRIES } from '../../src/minidump/stream-context.js';
import { MinidumpWriter } from '../support/minidump-writer.js';
import { sampleDump } from '../support/minidump-sample.js';

/** Parses, allowing only typed errors; returns the dump or the error code. */
function parse(buf: Buffer): Minidump | MinidumpErrorCode {
  try {
    return readMinidump(buf);
  } catch (err) {
    assert.ok(isMinidumpError(err), `untyped error: ${String(err)}`);
    return err.code;
  }
}

function parsed(buf: Buffer): Minidump {
  const d = parse(buf);
  assert.ok(typeof d !== 'string', `expected a dump, got ${d as string}`);
  return d;
}

function softCodes(d: Minidump): string[] {
  return d.softErrors.map((e) => `${e.stream}:${e.code}`);
}

describe('corrupt and truncated dumps', () => {
  const dump = sampleDump('amd64').build();

  it('the intact dump parses cleanly', () => {
    const d = parsed(dump);
    assert.deepEqual(d.softErrors, []);
    assert.equal(d.threads.length, 2);
    assert.equal(d.modules.length, 2);
    assert.equal(d.crash?.reason, 'SIGSEGV / SEGV_MAPERR');
  });

  it('rejects files that are not minidumps with typed errors', () => {
    assert.equal(parse(Buffer.alloc(0)), 'truncated');
    assert.equal(parse(truncate(dump, 31)), 'truncated');
    assert.equal(parse(patchU32(dump, 0, 0x12345678)), 'bad_signature');
    assert.throws(
      () => readMinidump(patchU32(dump, 0, 0x4d444d50)),
      /big-endian/,
    );
    assert.equal(parse(patchU32(dump, 4, 0xa794)), 'bad_version');
    assert.equal(parse(setStreamCount(dump, 0x10000000)), 'too_many_entries');
    assert.equal(
      parse(patchU32(dump, 12, dump.length - 4)),
      'too_many_entries',
    );
  });

  it('accepts implementation-specific high bits of the version', () => {
    assert.deepEqual(parsed(patchU32(dump, 4, 0x5128a793)).softErrors, []);
  });

  it('every truncation gives a typed error or a dump with soft errors', () => {
    const directoryEnd = 32 + dump.readUInt32LE(8) * 12;
    for (let length = 0; length < dump.length; length += 3) {
      const d = parse(truncate(dump, length));
      if (length < directoryEnd) {
        assert.equal(typeof d, 'string', `length ${length}`);
      } else {
        assert.ok(typeof d !== 'string');
        assert.ok(
          d.softErrors.length > 0 || length >= dump.length - 8,
          `length ${length}`,
        );
      }
    }
  });

  it('inflated list counts are cut to what fits, with a soft error', () => {
    const cases: [number, string][] = [
      [StreamType.ThreadList, 'ThreadListStream:too_many_entries'],
      [StreamType.ModuleList, 'ModuleListStream:too_many_entries'],
      [StreamType.MemoryList, 'MemoryListStream:too_many_entries'],
      [StreamType.ThreadNames, 'ThreadNamesStream:too_many_entries'],
    ];
    for (const [type, code] of cases) {
      const d = parsed(setStreamU32(dump, type, 0, 0xffffffff));
      assert.deepEqual(softCodes(d), [code]);
    }
    const d = parsed(setStreamU32(dump, StreamType.ThreadList, 0, 1000));
    assert.equal(d.threads.length, 2);
  });

  it('inflated 64-bit and header-described counts', () => {
    const unloaded = parsed(
      setStreamU32(dump, StreamType.UnloadedModuleList, 8, 0xffffffff),
    );
    assert.deepEqual(softCodes(unloaded), [
      'UnloadedModuleListStream:too_many_entries',
    ]);
    assert.equal(unloaded.unloadedModules.length, 1);
    const info = findStream(dump, StreamType.MemoryInfoList);
    const meminfo = parsed(patchU64(dump, info.rva + 8, 0xffffffffffffffffn));
    assert.deepEqual(softCodes(meminfo), [
      'MemoryInfoListStream:too_many_entries',
    ]);
    const m64 = new MinidumpWriter({ cpu: 'amd64' })
      .useMemory64()
      .addMemory(0x1000n, Buffer.alloc(16))
      .build();
    const spot = findStream(m64, StreamType.Memory64List);
    assert.deepEqual(softCodes(parsed(patchU64(m64, spot.rva, 1n << 60n))), [
      'Memory64ListStream:too_many_entries',
    ]);
    assert.deepEqual(
      softCodes(parsed(patchU64(m64, spot.rva + 24, 1n << 40n))),
      ['Memory64ListStream:truncated'],
    );
  });

  it('streams outside the file are soft errors; the others still parse', () => {
    const big = parsed(setStreamSize(dump, StreamType.ModuleList, 0x7fffffff));
    assert.deepEqual(softCodes(big), ['ModuleListStream:bad_stream']);
    assert.equal(big.modules.length, 0);
    assert.equal(big.threads.length, 2);
    const far = parsed(setStreamRva(dump, StreamType.Exception, 0xfffffff0));
    assert.deepEqual(softCodes(far), ['ExceptionStream:bad_stream']);
    assert.equal(far.crash, undefined);
  });

  it('stops reading a stream after too many unreadable entries', () => {
    const writer = new MinidumpWriter({ cpu: 'amd64', os: 'linux' });
    for (let i = 0; i < 500; i++) {
      writer.addModule({
        base: 0x10000000n + BigInt(i) * 0x10000n,
        size: 0x1000,
        name: `/lib/m${i}.so`,
      });
    }
    let bytes = writer.build();
    const list = findStream(bytes, StreamType.ModuleList);
    // Every module's name RVA now points past the end of the file.
    for (let i = 0; i < 500; i++) {
      bytes = patchU32(bytes, list.rva + 4 + i * 108 + 20, 0xfffffff0);
    }
    const d = parsed(bytes);
    assert.equal(d.modules.length, 0);
    assert.equal(d.softErrors.length, MAX_BAD_ENTRIES + 1);
    assert.match(
      d.softErrors.at(-1)!.message,
      /the rest of the stream is skipped/,
    );
  });

  it('fixed-size streams that are too short are soft errors', () => {
    for (const [type, name] of [
      [StreamType.Exception, 'ExceptionStream'],
      [StreamType.SystemInfo, 'SystemInfoStream'],
      [StreamType.BreakpadInfo, 'BreakpadInfoStream'],
      [StreamType.AssertionInfo, 'AssertionInfoStream'],
      [StreamType.CrashpadInfo, 'CrashpadInfoStream'],
      [StreamType.MiscInfo, 'MiscInfoStream'],
    ] as const) {
      const d = parsed(setStreamSize(dump, type, 10));
      assert.deepEqual(softCodes(d), [`${name}:truncated`]);
    }
  });

  it('garbage inside streams never escapes as an untyped error', () => {
    for (const type of [
      StreamType.ThreadList,
      StreamType.ModuleList,
      StreamType.Exception,
      StreamType.CrashpadInfo,
      StreamType.ThreadNames,
      StreamType.MemoryList,
      StreamType.UnloadedModuleList,
      StreamType.SystemInfo,
    ]) {
      const { size } = findStream(dump, type);
      for (const fill of [0x00, 0x7f, 0xff]) {
        parsed(scribble(dump, type, 0, size, fill));
      }
    }
  });

  it('random byte damage is always handled (deterministic fuzz)', () => {
    let seed = 0x12345678;
    const next = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed;
    };
    const started = Date.now();
    for (let round = 0; round < 400; round++) {
      const copy = Buffer.from(dump);
      for (let i = 0; i < 1 + (next() % 8); i++) {
        copy[next() % copy.length] = next() & 0xff;
      }
      parse(copy);
    }
    assert.ok(Date.now() - started < 10_000, 'fuzzing took too long');
  });

  it('lists with 4 bytes of padding after the count are read', () => {
    const list = Buffer.alloc(8 + 16);
    list.writeUInt32LE(1, 0);
    list.writeBigUInt64LE(0x3000n, 8);
    const d = parsed(
      new MinidumpWriter({ cpu: 'x86' })
        .addStream(StreamType.MemoryList, (out) => {
          const rva = out.put(Buffer.from('abcd'));
          list.writeUInt32LE(4, 16);
          list.writeUInt32LE(rva, 20);
          return list;
        })
        .build(),
    );
    assert.equal(d.readMemory(0x3000n, 4)?.toString(), 'abcd');
  });
});
