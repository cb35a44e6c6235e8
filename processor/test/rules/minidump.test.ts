import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ObjectId } from 'mongodb';
import {
  createMinidumpRule,
  MAX_STACK_FRAMES,
  type JsonDump,
} from '../../src/rules/minidump.js';
import { prettyOsVersion } from '../../src/rules/os-info.js';
import type { ProcessingState } from '../../src/rules/rule.js';
import { ruleState } from '../support/rule-state.js';

const JSON_DUMP: JsonDump = {
  status: 'OK',
  pid: 42,
  thread_count: 2,
  system_info: {
    os: 'Windows NT',
    os_ver: '10.0.22631',
    cpu_arch: 'amd64',
    cpu_info: 'family 6',
    cpu_count: 8,
  },
  crash_info: {
    type: 'EXCEPTION_ACCESS_VIOLATION_READ',
    address: '0x0000000000000000',
    crashing_thread: 1,
  },
  threads: [
    { thread_name: 'main', frames: [] },
    {
      thread_name: 'worker',
      frames: [
        { module: 'xul.dll' },
        { module: 'xul.dll', file: 'b.cpp', inlines: [{ file: 'a.h' }] },
        { module: 'ntdll.dll', file: 'a.cpp' },
        { module: null },
      ],
    },
  ],
  modules: [
    {
      filename: 'xul.dll',
      debug_file: 'xul.pdb',
      debug_id: 'AAA1',
      code_id: 'c1',
      version: '1.0',
      missing_symbols: false,
    },
    {
      filename: 'ntdll.dll',
      debug_file: 'ntdll.pdb',
      debug_id: 'BBB1',
      code_id: 'c2',
      version: '10.0',
      missing_symbols: true,
    },
    {
      filename: 'kernel32.dll',
      debug_file: 'kernel32.pdb',
      debug_id: 'CCC1',
      code_id: '',
      version: '10.0',
      missing_symbols: true,
    },
  ],
  soft_errors: [{ kind: 'x' }],
};

function stateWith(dumps: Record<string, Buffer>): ProcessingState {
  return ruleState(
    { metadata: { dump_checksums: { upload_file_minidump: 'abc' } } },
    {
      dumps: Object.entries(dumps).map(([name, bytes]) => ({
        name,
        fileId: new ObjectId(),
        size: bytes.length,
        sha256: '',
      })),
      readDump: (name) => Promise.resolve(dumps[name]),
    },
  );
}

describe('minidump rule', () => {
  it('fills the processed crash from the crashing dump', async () => {
    const state = stateWith({ upload_file_minidump: Buffer.from('MDMP') });
    await createMinidumpRule(() => Promise.resolve(JSON_DUMP)).run(state);
    const p = state.processed;
    assert.equal(p.os_name, 'Windows NT');
    assert.equal(p.cpu_arch, 'amd64');
    assert.equal(p.reason, 'EXCEPTION_ACCESS_VIOLATION_READ');
    assert.equal(p.crashing_thread, 1);
    assert.equal(p.crashing_thread_name, 'worker');
    // Sorted, as Socorro lists them.
    assert.equal(p.modules_in_stack, 'ntdll.pdb/BBB1;xul.pdb/AAA1');
    // Sorted; the code id only when there is one.
    assert.equal(
      p.missing_symbols,
      'kernel32.dll/10.0/CCC1;ntdll.dll/10.0/BBB1/c2',
    );
    // One file: the first frame with one, its inlined functions first.
    assert.equal(p.topmost_filenames, 'a.h');
    assert.equal(p.soft_errors, '[{"kind":"x"}]');
    assert.equal(p.minidump_sha256_hash, 'abc');
    assert.deepEqual(p.additional_minidumps, []);
    assert.deepEqual(state.notes, []);
  });

  it('stores each additional minidump under its own name', async () => {
    const state = stateWith({
      upload_file_minidump: Buffer.from('a'),
      upload_file_minidump_browser: Buffer.from('b'),
      memory_report: Buffer.from('c'),
    });
    const walked: string[] = [];
    await createMinidumpRule((dump) => {
      walked.push(dump.toString());
      return Promise.resolve({
        ...JSON_DUMP,
        status: dump.toString() === 'b' ? 'ERROR_NO_THREAD_LIST' : 'OK',
      });
    }).run(state);
    assert.deepEqual(walked.sort(), ['a', 'b']);
    assert.deepEqual(state.processed.additional_minidumps, [
      'upload_file_minidump_browser',
    ]);
    const browser = state.processed.upload_file_minidump_browser as Record<
      string,
      unknown
    >;
    assert.equal(browser.mdsw_status_string, 'ERROR_NO_THREAD_LIST');
  });

  it('records a walk that failed, by error name only', async () => {
    const state = stateWith({ upload_file_minidump: Buffer.from('a') });
    const timeout = new Error('secret path /home/x');
    timeout.name = 'JobTimeoutError';
    await createMinidumpRule(() => Promise.reject(timeout)).run(state);
    assert.equal(state.processed.mdsw_status_string, 'ERROR_TIMEOUT');
    assert.deepEqual(state.notes, [
      'upload_file_minidump: stack walk failed: JobTimeoutError',
      'upload_file_minidump: stack walker status ERROR_TIMEOUT',
    ]);
  });

  it('marks an empty minidump instead of walking it', async () => {
    const state = stateWith({ upload_file_minidump: Buffer.alloc(0) });
    let walked = false;
    await createMinidumpRule(() => {
      walked = true;
      return Promise.resolve(JSON_DUMP);
    }).run(state);
    assert.equal(walked, false);
    assert.equal(state.processed.mdsw_status_string, 'EmptyMinidump');
    assert.ok(state.notes.includes('upload_file_minidump: the dump is empty'));
  });

  it('says when the walker named no crashing thread', async () => {
    const state = stateWith({ upload_file_minidump: Buffer.from('a') });
    await createMinidumpRule(() =>
      Promise.resolve({
        ...JSON_DUMP,
        crash_info: { type: 'SIGSEGV', crash_inconsistencies: ['x'] },
      }),
    ).run(state);
    assert.equal(state.processed.crashing_thread, null);
    assert.deepEqual(state.processed.crash_inconsistencies, ['x']);
    assert.deepEqual(state.notes, [
      'mdsw did not identify the crashing thread',
    ]);
  });

  it('cuts stacks longer than 500 frames in the middle', async () => {
    const frames = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ frame: i, module: 'xul.dll' }));
    const state = stateWith({ upload_file_minidump: Buffer.from('a') });
    await createMinidumpRule(() =>
      Promise.resolve({
        ...JSON_DUMP,
        crashing_thread: { threads_index: 1, frames: frames(600) },
        threads: [{ frames: frames(500) }, { frames: frames(600) }],
      }),
    ).run(state);
    const json = state.processed.json_dump as {
      threads: { frames: Record<string, unknown>[]; truncated?: boolean }[];
      crashing_thread: { frames: unknown[]; truncated?: boolean };
    };
    const [short, long] = json.threads;
    assert.equal(short!.frames.length, 500);
    assert.equal(short!.truncated, undefined);
    assert.equal(long!.frames.length, MAX_STACK_FRAMES);
    assert.equal(long!.truncated, true);
    assert.equal(long!.frames[249]!.frame, 249);
    assert.deepEqual(long!.frames[250], {
      truncated: { msg: '101 frames truncated' },
    });
    assert.equal(long!.frames[251]!.frame, 351);
    assert.equal(long!.frames[499]!.frame, 599);
    assert.equal(json.crashing_thread.frames.length, MAX_STACK_FRAMES);
    assert.equal(json.crashing_thread.truncated, true);
    assert.deepEqual(state.notes, [
      'upload_file_minidump: 1 stack(s) truncated to 500 frames',
    ]);
  });

  it('notes a crash without a minidump', async () => {
    const state = stateWith({});
    await createMinidumpRule(() => Promise.resolve(JSON_DUMP)).run(state);
    assert.deepEqual(state.notes, [
      'no upload_file_minidump in the crash report',
    ]);
  });
});

describe('prettyOsVersion', () => {
  const cases: [
    string | undefined,
    string | undefined,
    string | undefined,
    string | undefined,
  ][] = [
    ['Windows NT', '10.0.19045', undefined, 'Windows 10'],
    ['Windows NT', '10.0.22000', undefined, 'Windows 11'],
    ['Windows NT', '10.0.21996', undefined, 'Windows 11'],
    ['Windows NT', '10.0.21995', undefined, 'Windows 10'],
    ['Windows NT', '6.1.7601 Service Pack 1', undefined, 'Windows 7'],
    ['Windows NT', '5.1.2600 Service Pack 2', undefined, 'Windows XP'],
    ['Windows NT', '4.0', undefined, 'Windows NT 4.0'],
    ['Mac OS X', '10.15.7', undefined, 'OS X 10.15'],
    ['Mac OS X', '10.11.6', undefined, 'OS X 10.11'],
    ['Mac OS X', '14.5.0', undefined, 'macOS 14'],
    ['Linux', '5.15.0', 'Ubuntu 22.04.3 LTS', 'Ubuntu 22.04.3 LTS'],
    ['Linux', '5.15.0', undefined, 'Linux'],
    ['Android', '13', undefined, 'Android 13'],
    [undefined, undefined, undefined, undefined],
  ];
  for (const [os, version, lsb, expected] of cases) {
    it(`${os} ${version} → ${expected}`, () => {
      assert.equal(prettyOsVersion(os, version, lsb), expected);
    });
  }
});
