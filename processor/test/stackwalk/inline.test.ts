import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  stackwalk,
  toHumanText,
  toJsonDump,
} from '../../src/stackwalk/index.js';
import { memorySymbols } from '../support/memory-symbols.js';
import { MinidumpWriter } from '../support/minidump-writer.js';
import { StackImage } from '../support/stack-memory.js';
import { SymWriter } from '../support/sym-writer.js';
import { crashed, pdbModule } from './helpers.js';

const S = 0x7ffe00000000n;
const APP = pdbModule('app', 0x400000n, 0x10000, 0x5a);

/**
 * `outer()` at 0x2000 inlines `helper()` (called from line 10), which
 * inlines `leaf()` (called from helper.h line 20); the crash returns into
 * leaf's code at 0x201a.
 */
function symbols(): string {
  return new SymWriter({
    os: 'windows',
    cpu: 'x86_64',
    debugId: APP.debugId,
    debugFile: APP.debugFile,
  })
    .file(0, 'c:\\src\\outer.cpp')
    .file(1, 'c:\\src\\helper.h')
    .file(2, 'c:\\src\\leaf.h')
    .inlineOrigin(0, 'helper()')
    .inlineOrigin(1, 'leaf()')
    .func({ address: 0x1000, size: 0x100, name: 'crash_here()' })
    .func({
      address: 0x2000,
      size: 0x100,
      name: 'outer()',
      inlines: [
        {
          depth: 0,
          callLine: 10,
          callFile: 0,
          origin: 0,
          ranges: [[0x2010, 0x20]],
        },
        {
          depth: 1,
          callLine: 20,
          callFile: 1,
          origin: 1,
          ranges: [[0x2018, 0x8]],
        },
      ],
      lines: [
        [0x2000, 0x10, 5, 0],
        [0x2010, 0x8, 21, 1],
        [0x2018, 0x8, 33, 2],
        [0x2020, 0xe0, 6, 0],
      ],
    })
    .cfiInit(0x1000, 0x100, { '.cfa': '$rsp 8 +', '.ra': '.cfa -8 + ^' })
    .toString();
}

async function walk() {
  const registers = { rip: 0x401004n, rsp: S + 0x100n, rbp: 0n };
  const dump = new MinidumpWriter({ cpu: 'amd64', os: 'windows' })
    .addModule(APP.spec)
    .addThread({
      id: 1,
      registers,
      stack: new StackImage(S, 0x200, 8).put(S + 0x100n, 0x40201bn).stack,
    })
    .setException({ threadId: 1, code: 0xc0000005, registers })
    .build();
  const { supplier } = memorySymbols({ [APP.key]: symbols() });
  return stackwalk(dump, { symbols: supplier });
}

describe('inline frames in walked stacks', () => {
  it('looks the caller up at the return address minus one and lists its inlines', async () => {
    const frame = crashed(await walk()).frames[1];
    assert.equal(frame?.instruction, 0x40201an);
    assert.equal(frame?.functionName, 'outer()');
    assert.equal(frame?.sourceFile, 'c:\\src\\outer.cpp');
    assert.equal(
      frame?.sourceLine,
      10,
      'the call site of the outermost inline',
    );
    assert.deepEqual(frame?.inlines, [
      { functionName: 'leaf()', sourceFile: 'c:\\src\\leaf.h', sourceLine: 33 },
      {
        functionName: 'helper()',
        sourceFile: 'c:\\src\\helper.h',
        sourceLine: 20,
      },
    ]);
  });

  it('writes them in the JSON frame, deepest first', async () => {
    const json = toJsonDump(await walk()) as {
      crashing_thread: { frames: Array<Record<string, unknown>> };
    };
    const frame = json.crashing_thread.frames[1];
    assert.equal(frame?.function, 'outer()');
    assert.equal(frame?.line, 10);
    assert.equal(frame?.module_offset, '0x000000000000201a');
    assert.equal(frame?.trust, 'cfi');
    assert.deepEqual(frame?.inlines, [
      { file: 'c:\\src\\leaf.h', function: 'leaf()', line: 33 },
      { file: 'c:\\src\\helper.h', function: 'helper()', line: 20 },
    ]);
    assert.equal(json.crashing_thread.frames[0]?.inlines, null);
  });

  it('numbers inline frames in the text output before their physical frame', async () => {
    const text = toHumanText(await walk());
    const lines = text.split('\n');
    const leaf = lines.findIndex((l) => l.includes('!leaf() [leaf.h : 33]'));
    const helper = lines.findIndex((l) =>
      l.includes('!helper() [helper.h : 20]'),
    );
    const outer = lines.findIndex((l) =>
      l.includes('!outer() [outer.cpp : 10'),
    );
    assert.ok(leaf > 0 && leaf < helper && helper < outer, text);
  });
});
