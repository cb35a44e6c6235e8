/**
 * Compares the reader with the reference outputs in the corpus's
 * `expected/` folder: rust-minidump's JSON and Breakpad's machine-readable
 * stackwalk output.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  pathLeaf,
  pointerWidthOf,
  type Minidump,
} from '../../src/minidump/index.js';
import { corpusDump, corpusFile, corpusSkip, hexAddress } from './corpus.js';

interface RustModule {
  base_addr: string;
  end_addr: string;
  filename: string;
  code_id: string | null;
  debug_file: string | null;
  debug_id: string | null;
  version: string | null;
}

interface RustJson {
  pid: number;
  process_uptime: number | null;
  thread_count: number;
  system_info: {
    os: string;
    os_ver: string;
    cpu_arch: string;
    cpu_info: string | null;
    cpu_count: number;
  };
  crash_info: { type: string; address: string; crashing_thread: number };
  modules: RustModule[];
  unloaded_modules: unknown[];
  lsb_release: {
    id: string;
    release: string;
    codename: string;
    description: string;
  } | null;
  linux_memory_map_count: number | null;
  threads: { thread_id: number; thread_name: string | null }[];
  crashing_thread: {
    threads_index: number;
    frames: { registers?: Record<string, string> }[];
  };
}

function expectedJson(name: string): RustJson {
  return JSON.parse(
    corpusFile(`expected/${name}`).toString('utf8'),
  ) as RustJson;
}

/** Our dump rendered in the shape of rust-minidump's JSON fields. */
function asRustJson(d: Minidump) {
  const width = pointerWidthOf(d.cpu);
  const hex = (v: bigint) => hexAddress(v, width);
  const s = d.systemInfo;
  return {
    pid: d.pid,
    process_uptime: d.processUptime ?? null,
    thread_count: d.threads.length,
    system_info: {
      os: s?.osName,
      os_ver: s?.osVersionFull,
      cpu_arch: d.cpu,
      cpu_info: s?.cpuInfo ?? null,
      cpu_count: s?.cpuCount,
    },
    crash_info: {
      type: d.crash?.reason,
      address: hex(d.crash?.address ?? 0n),
      crashing_thread: d.crash?.threadIndex,
    },
    modules: d.modules.map((m): RustModule => ({
      base_addr: hex(m.base),
      end_addr: hex(m.end),
      filename: pathLeaf(m.codeFile),
      code_id: m.codeId ?? null,
      debug_file: m.debugFile === undefined ? null : pathLeaf(m.debugFile),
      debug_id: m.debugId ?? null,
      version: m.version ?? null,
    })),
    unloaded_modules: d.unloadedModules,
    lsb_release: d.linux.lsbRelease ?? null,
    linux_memory_map_count: d.linux.maps?.length ?? null,
    threads: d.threads.map((t) => ({
      thread_id: t.id,
      thread_name: t.name ?? null,
    })),
  };
}

function compareWithRust(dumpPath: string, jsonName: string): void {
  const d = corpusDump(dumpPath);
  const want = expectedJson(jsonName);
  const got = asRustJson(d);
  assert.equal(got.pid, want.pid);
  assert.equal(got.process_uptime, want.process_uptime);
  assert.equal(got.thread_count, want.thread_count);
  assert.deepEqual(got.system_info, {
    os: want.system_info.os,
    os_ver: want.system_info.os_ver,
    cpu_arch: want.system_info.cpu_arch,
    cpu_info: want.system_info.cpu_info,
    cpu_count: want.system_info.cpu_count,
  });
  assert.deepEqual(got.crash_info, {
    type: want.crash_info.type,
    address: want.crash_info.address,
    crashing_thread: want.crash_info.crashing_thread,
  });
  assert.deepEqual(
    got.modules,
    want.modules.map((m) => ({
      base_addr: m.base_addr,
      end_addr: m.end_addr,
      filename: m.filename,
      code_id: m.code_id,
      debug_file: m.debug_file,
      debug_id: m.debug_id,
      version: m.version,
    })),
  );
  assert.deepEqual(got.unloaded_modules, want.unloaded_modules);
  assert.deepEqual(got.lsb_release, want.lsb_release);
  assert.equal(got.linux_memory_map_count, want.linux_memory_map_count);
  assert.deepEqual(
    got.threads,
    want.threads.map((t) => ({
      thread_id: t.thread_id,
      thread_name: t.thread_name,
    })),
  );
  // Frame 0 registers of the crashing thread come from the exception context.
  const thread = d.threads[want.crashing_thread.threads_index];
  assert.ok(thread);
  const ctx = d.contextForThread(thread);
  const registers = want.crashing_thread.frames[0]?.registers ?? {};
  assert.ok(Object.keys(registers).length > 0);
  for (const [name, value] of Object.entries(registers)) {
    assert.equal(
      hexAddress(ctx?.get(name) ?? -1n, pointerWidthOf(d.cpu)),
      value,
      name,
    );
  }
}

describe('real dumps against rust-minidump JSON', { skip: corpusSkip }, () => {
  it('test.dmp (no symbols)', () => {
    compareWithRust(
      'windows-x86/test.dmp',
      'test.dmp.rust-stackwalk.no-symbols.json',
    );
  });

  it('test.dmp (with test_app symbols: same dump facts)', () => {
    compareWithRust(
      'windows-x86/test.dmp',
      'test.dmp.rust-stackwalk.test_app-symbols.json',
    );
  });

  it('linux-mini.dmp', () => {
    compareWithRust(
      'linux-amd64/linux-mini.dmp',
      'linux-mini.dmp.rust-stackwalk.json',
    );
  });
});

describe(
  'real dumps against Breakpad machine-readable output',
  { skip: corpusSkip },
  () => {
    it('test.dmp: OS, CPU, crash and module lines', () => {
      const lines = corpusFile(
        'expected/test.dmp.breakpad-stackwalk.machine-readable.txt',
      )
        .toString('utf8')
        .split('\n');
      const d = corpusDump('windows-x86/test.dmp');
      const s = d.systemInfo;
      assert.ok(s && d.crash);
      const hex8 = (v: bigint) => hexAddress(v, 4);
      const ours = [
        `OS|${s.osName}|${s.osVersionFull}`,
        `CPU|${d.cpu}|${s.cpuInfo}|${s.cpuCount}`,
        `Crash|${d.crash.reason}|0x${d.crash.address.toString(16)}|${d.crash.threadIndex}`,
        ...[...d.modules]
          .sort((a, b) => (a.base < b.base ? -1 : 1))
          .map(
            (m) =>
              `Module|${pathLeaf(m.codeFile)}|${m.version ?? ''}|${pathLeaf(m.debugFile ?? '')}|${m.debugId ?? ''}|` +
              `${hex8(m.base)}|${hex8(m.end - 1n)}|${m.index === 0 ? 1 : 0}`,
          ),
      ];
      const theirs = lines.filter((l) => /^(OS|CPU|Crash|Module)\|/.test(l));
      assert.deepEqual(ours, theirs);
    });
  },
);
