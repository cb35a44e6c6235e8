import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  BUNDLED_LIST_DIR,
  buildListRegExp,
  defaultSignatureLists,
  generateSignature,
  loadSignatureLists,
  parseSignatureList,
  SignatureListError,
} from '../../src/signature/index.js';
import { threadOf } from './support.js';

const dir = mkdtempSync(join(tmpdir(), 'siglists-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a file in the temporary directory and returns its path. */
function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

describe('parseSignatureList', () => {
  it('skips blank lines and # comments, trims entries', () => {
    const text =
      '# comment\n\n  foo  \nbar#baz\n   # indented comment\r\nqux\r\n';
    assert.deepEqual(parseSignatureList(text, 'x', true), [
      'foo',
      'bar#baz',
      'qux',
    ]);
  });

  it('names the file and line of an invalid regular expression', () => {
    assert.throws(
      () => parseSignatureList('ok\n# c\nbad(\n', 'lists/irrelevant.txt', true),
      (error: unknown) =>
        error instanceof SignatureListError &&
        error.message.startsWith(
          'lists/irrelevant.txt:3: invalid regular expression',
        ),
    );
  });

  it('does not check sentinels as regular expressions', () => {
    assert.deepEqual(parseSignatureList('f(\n', 'x', false), ['f(']);
  });
});

describe('buildListRegExp', () => {
  it('anchors every entry at the start only', () => {
    const regex = buildListRegExp(['ab', 'c|d', 'e$']);
    assert.ok(regex.test('abz'));
    assert.ok(regex.test('dz'));
    assert.ok(!regex.test('zab'));
    assert.ok(regex.test('e'));
    assert.ok(!regex.test('ez'));
  });

  it('matches nothing when empty', () => {
    assert.ok(!buildListRegExp([]).test(''));
    assert.ok(!buildListRegExp([]).test('anything'));
  });
});

describe('bundled lists', () => {
  const lists = defaultSignatureLists();

  it('load from common/data/signature and are cached', () => {
    assert.ok(
      BUNDLED_LIST_DIR.endsWith(join('common', 'data', 'signature') + '/'),
    );
    assert.equal(defaultSignatureLists(), lists);
    assert.ok(
      lists.sources.every((source) => source.startsWith(BUNDLED_LIST_DIR)),
    );
  });

  it('hold the entries the reference documents', () => {
    for (const frame of [
      '@0x1234',
      '__aeabi_memcpy',
      '_chkstk',
      'NtWaitForSingleObject',
      'WaitForSingleObjectEx',
    ]) {
      assert.ok(lists.irrelevant.test(frame), `irrelevant: ${frame}`);
    }
    for (const frame of [
      'Abort',
      'mozalloc_abort',
      'moz_xmalloc_impl',
      'arena_malloc',
      'mbrtoc32',
      'TerminateHandler',
    ]) {
      assert.ok(lists.prefix.test(frame), `prefix: ${frame}`);
    }
    assert.ok(lists.lineNumbers.test('js_Interpret'));
    for (const sentinel of [
      '_purecall',
      'core::panicking::panic_fmt',
      'mozilla::detail::MutexImpl::lock',
      '__assert_fail',
      'alloc::alloc::handle_alloc_error',
      'IPC::MessageReader::FatalError',
    ]) {
      assert.ok(lists.sentinels.includes(sentinel), `sentinel: ${sentinel}`);
    }
  });

  it('make every sentinel a prefix, so the caller is kept', () => {
    for (const sentinel of lists.sentinels) {
      const frame = typeof sentinel === 'string' ? sentinel : sentinel.frame;
      assert.ok(lists.prefix.test(frame), frame);
      assert.ok(!lists.irrelevant.test(frame), frame);
    }
  });

  it('give useful signatures for common stacks', () => {
    const cases: [string[], string][] = [
      [
        ['NtWaitForSingleObject', 'memcpy', 'nsFoo::Bar(int)'],
        'memcpy | nsFoo::Bar',
      ],
      [
        [
          'gkrust_shared::panic_hook',
          'core::panicking::panic_fmt',
          'core::panicking::panic',
          'style::f',
        ],
        'core::panicking::panic_fmt | core::panicking::panic | style::f',
      ],
      [
        [
          '__pthread_kill_implementation',
          'raise',
          'abort',
          'mozalloc_abort',
          'mozalloc_handle_oom(unsigned long)',
          'moz_xmalloc',
          'nsTArray_base<T>::EnsureCapacity<T>',
          'Caller()',
        ],
        'OOM | unknown | abort | mozalloc_abort | mozalloc_handle_oom | ' +
          'moz_xmalloc | nsTArray_base<T>::EnsureCapacity<T> | Caller',
      ],
    ];
    for (const [frames, expected] of cases) {
      const input = { threads: [threadOf(...frames)] };
      assert.equal(generateSignature(input).signature, expected);
    }
  });

  it('are valid in every file of the directory', () => {
    for (const name of ['irrelevant.txt', 'prefix.txt', 'line-numbers.txt']) {
      const text = readFileSync(join(BUNDLED_LIST_DIR, name), 'utf8');
      assert.ok(parseSignatureList(text, name, true).length > 0, name);
    }
  });
});

describe('loadSignatureLists extension', () => {
  it('appends extra files and entries to the bundled lists', () => {
    const extra = file('more-irrelevant.txt', '# mine\nmyWrapper$\n');
    const lists = loadSignatureLists({
      extraFiles: { irrelevant: [extra] },
      extraEntries: {
        prefix: ['myHelper'],
        lineNumbers: ['myLoop'],
        sentinels: ['myStart'],
      },
    });
    assert.ok(lists.irrelevant.test('myWrapper'));
    assert.ok(lists.irrelevant.test('NtWaitForSingleObject'));
    assert.ok(lists.prefix.test('myHelper'));
    assert.ok(lists.lineNumbers.test('myLoop'));
    assert.ok(lists.sentinels.includes('myStart'));
    assert.ok(lists.sources.includes(extra));
    const input = {
      threads: [threadOf('x', 'myStart', 'myWrapper', 'myHelper', 'myLoop')],
    };
    const [first] = input.threads;
    if (first) {
      first.frames.push({ function: 'tail' });
    }
    assert.equal(generateSignature(input, { lists }).signature, 'myStart');
  });

  it('accepts conditional sentinels as extra entries', () => {
    const lists = loadSignatureLists({
      extraEntries: {
        sentinels: [
          { frame: 'late', when: (frames) => frames.includes('marker') },
        ],
      },
    });
    const input = (extra: string) => ({
      threads: [threadOf('early', 'late', extra)],
    });
    assert.equal(
      generateSignature(input('other'), { lists }).signature,
      'early',
    );
    assert.equal(
      generateSignature(input('marker'), { lists }).signature,
      'late',
    );
  });

  it('rejects an invalid extra entry', () => {
    assert.throws(
      () =>
        loadSignatureLists({ extraEntries: { irrelevant: ['ok', '(bad'] } }),
      /extra irrelevant entry 2: invalid regular expression/,
    );
  });

  it('replaces the bundled directory, reading siggen file names too', () => {
    const own = mkdtempSync(join(dir, 'own-'));
    writeFileSync(join(own, 'irrelevant_signature_re.txt'), 'skip\n');
    writeFileSync(join(own, 'prefix.txt'), 'keep\n');
    writeFileSync(join(own, 'signatures_with_line_numbers_re.txt'), '');
    writeFileSync(join(own, 'signature_sentinels.txt'), '# none\n');
    const lists = loadSignatureLists({ listDir: own });
    assert.ok(!lists.irrelevant.test('NtWaitForSingleObject'));
    const input = { threads: [threadOf('skip', 'keep', 'stop', 'after')] };
    assert.equal(generateSignature(input, { lists }).signature, 'keep | stop');
  });

  it('names the missing list file', () => {
    assert.throws(
      () => loadSignatureLists({ listDir: join(dir, 'nowhere') }),
      /no irrelevant list in .*nowhere \(looked for irrelevant\.txt, irrelevant_signature_re\.txt\)/,
    );
    assert.throws(
      () =>
        loadSignatureLists({
          extraFiles: { prefix: [join(dir, 'absent.txt')] },
        }),
      /cannot read prefix list .*absent\.txt/,
    );
  });
});
