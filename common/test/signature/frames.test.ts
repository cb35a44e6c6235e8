import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MAXIMUM_FRAMES_TO_CONSIDER,
  normalizeFrame,
  normalizeThreadFrames,
} from '../../src/signature/index.js';
import { stripLeadingZeros } from '../../src/signature/frames.js';
import { sourceFilePath } from '../../src/signature/rust-panics.js';

const NO_LINES = /(?!)/;

describe('normalizeFrame', () => {
  it('prefers the function, with C++ rules by default', () => {
    const frame = {
      function: 'ns::f(int)',
      file: 'a.cpp',
      line: 3,
      module: 'm.dll',
    };
    assert.equal(normalizeFrame(frame, NO_LINES), 'ns::f');
  });

  it('uses Rust rules when the source file path ends in .rs', () => {
    const frame = {
      function: 'a::b<T>::c::h0123456789abcdef',
      file: 'git:github.com/o/r:src/x.rs:abc',
    };
    assert.equal(normalizeFrame(frame, NO_LINES), 'a::b<T>::c');
  });

  it('uses C++ rules for a relative .rs file (no path found)', () => {
    const frame = { function: 'a::b::h0123', file: 'x.rs' };
    assert.equal(normalizeFrame(frame, NO_LINES), 'a::b::h0123');
  });

  it('uses file#line without a function, for / and \\ paths', () => {
    assert.equal(
      normalizeFrame({ file: '/a/b/c.cpp', line: 23 }, NO_LINES),
      'c.cpp#23',
    );
    assert.equal(
      normalizeFrame({ file: 'c:\\a\\b.cpp', line: '9' }, NO_LINES),
      'b.cpp#9',
    );
    assert.equal(
      normalizeFrame({ file: 'source/', line: 23 }, NO_LINES),
      'source#23',
    );
    assert.equal(normalizeFrame({ file: 'a\\b\\', line: 1 }, NO_LINES), 'b#1');
  });

  it('falls back to the module when the line is missing or 0', () => {
    assert.equal(
      normalizeFrame({ file: '/a/c.cpp', line: 0, module: 'm.so' }, NO_LINES),
      'm.so',
    );
    assert.equal(
      normalizeFrame({ file: '/a/c.cpp', module: 'm.so' }, NO_LINES),
      'm.so',
    );
  });

  it('uses the module name alone, without stray brackets', () => {
    assert.equal(
      normalizeFrame({ module: 'libxul.so', offset: '0x12' }, NO_LINES),
      'libxul.so',
    );
    assert.equal(normalizeFrame({ module: '[[[module]]' }, NO_LINES), 'module');
    assert.equal(normalizeFrame({ module: '[module' }, NO_LINES), 'module');
  });

  it('uses the first unloaded module', () => {
    const frame = {
      offset: '0x10',
      unloaded_modules: [
        { module: 'gone.dll', offsets: ['0x5387'] },
        { module: 'b' },
      ],
    };
    assert.equal(normalizeFrame(frame, NO_LINES), '(unloaded gone.dll)');
    assert.equal(
      normalizeFrame({ unloaded_modules: [{}] }, NO_LINES),
      '(unloaded None)',
    );
  });

  it('uses the offset without leading zeros as a last resort', () => {
    assert.equal(
      normalizeFrame({ offset: '0x0000000000032ec0' }, NO_LINES),
      '@0x32ec0',
    );
    assert.equal(normalizeFrame({ offset: 'not hex' }, NO_LINES), '@not hex');
    assert.equal(
      normalizeFrame({ unloaded_modules: [], offset: '0x0' }, NO_LINES),
      '@0x0',
    );
  });

  it('gives an empty string when nothing is known', () => {
    assert.equal(normalizeFrame({}, NO_LINES), '');
  });
});

describe('stripLeadingZeros', () => {
  it('reads hex like Python int(text, 16)', () => {
    assert.equal(stripLeadingZeros('0x00ff'), '0xff');
    assert.equal(stripLeadingZeros('ABC'), '0xabc');
    assert.equal(stripLeadingZeros('0x_1'), '0x1');
    assert.equal(stripLeadingZeros('-0x10'), '-0x10');
    assert.equal(
      stripLeadingZeros('0xfffffffffffffffff'),
      '0xfffffffffffffffff',
    );
    assert.equal(stripLeadingZeros('0x'), '0x');
  });
});

describe('sourceFilePath', () => {
  it('extracts the path from VCS, Windows and POSIX forms', () => {
    assert.equal(
      sourceFilePath('hg:hg.mozilla.org/m-c:js/src/jit/MIR.h:755067c'),
      'js/src/jit/MIR.h',
    );
    assert.equal(sourceFilePath('c:\\src\\a.rs'), '\\src\\a.rs');
    assert.equal(sourceFilePath('/builds/a.rs'), '/builds/a.rs');
    assert.equal(sourceFilePath('relative/a.rs'), null);
  });
});

describe('normalizeThreadFrames', () => {
  it('puts inlined calls before their physical frame, with its module', () => {
    const thread = {
      frames: [
        {
          function: 'outer',
          module: 'm',
          inlines: [{ function: 'inner1' }, { function: 'inner2' }],
        },
        { function: 'caller', inlines: null },
        { module: 'lib.so', inlines: [{ file: '/x/y.h', line: 4 }, {}] },
      ],
    };
    assert.deepEqual(normalizeThreadFrames(thread, false, NO_LINES), [
      'inner1',
      'inner2',
      'outer',
      'caller',
      'y.h#4',
      'lib.so',
      'lib.so',
    ]);
  });

  it(`considers at most ${MAXIMUM_FRAMES_TO_CONSIDER} frames, inlines included`, () => {
    const frames = Array.from({ length: 30 }, (_, i) => ({
      function: `f${i}`,
      inlines: [{ function: `i${i}` }],
    }));
    const normalized = normalizeThreadFrames({ frames }, false, NO_LINES);
    assert.equal(normalized.length, 40);
    assert.equal(normalized[39], 'f19');
  });

  it('lower-cases module names when asked (Windows)', () => {
    const thread = {
      frames: [{ module: 'USER32.dll' }, { module: 'Foo.DLL', function: 'F' }],
    };
    assert.deepEqual(normalizeThreadFrames(thread, true, NO_LINES), [
      'user32.dll',
      'F',
    ]);
    assert.deepEqual(normalizeThreadFrames(thread, false, NO_LINES), [
      'USER32.dll',
      'F',
    ]);
  });

  it('restores module paths of Rust 1.34 panic functions', () => {
    const file =
      'git:github.com/rust-lang/rust:src/libcore/panicking.rs:91856ed';
    const thread = {
      frames: [
        { function: 'panic_fmt', file },
        {
          function: 'begin_panic_fmt',
          file: 'git:github.com/rust-lang/rust:src/libstd/panicking.rs:9',
        },
        {
          function: 'slice_index_order_fail',
          file: 'git:g/r:src/libcore/slice/mod.rs:1',
        },
        { function: 'other', file },
        { function: 'panic' },
      ],
    };
    assert.deepEqual(normalizeThreadFrames(thread, false, NO_LINES), [
      'core::panicking::panic_fmt',
      'std::panicking::begin_panic_fmt',
      'core::slice::slice_index_order_fail',
      'other',
      'panic',
    ]);
  });

  it('does not modify its input', () => {
    const thread = {
      frames: [
        {
          module: 'A.DLL',
          function: 'panic',
          file: 'git:g/r:src/libcore/panicking.rs:1',
        },
      ],
    };
    const copy = structuredClone(thread);
    normalizeThreadFrames(thread, true, NO_LINES);
    assert.deepEqual(thread, copy);
  });

  it('treats missing or null frames as an empty stack', () => {
    assert.deepEqual(normalizeThreadFrames({}, false, NO_LINES), []);
    assert.deepEqual(
      normalizeThreadFrames({ frames: null }, false, NO_LINES),
      [],
    );
  });
});
