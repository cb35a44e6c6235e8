/**
 * The walker's JSON over real dumps against rust-minidump's reference
 * output in the corpus's `expected/` folder: crash and system info,
 * modules, and the crashing thread's frames field by field.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { stackwalk, toJsonDump } from '../../src/stackwalk/index.js';
import {
  CachingSymbolSupplier,
  LocalSymbolSource,
  type SymbolSource,
} from '../../src/symbols/index.js';
import { corpusFile, corpusRoot, corpusSkip } from '../minidump/corpus.js';

type Json = Record<string, unknown>;

const FRAME_FIELDS = [
  'frame',
  'module',
  'function',
  'function_offset',
  'file',
  'line',
  'module_offset',
  'offset',
  'trust',
  'missing_symbols',
] as const;
const MODULE_FIELDS = [
  'filename',
  'base_addr',
  'end_addr',
  'debug_file',
  'debug_id',
  'code_id',
  'version',
  'loaded_symbols',
] as const;
const SYSTEM_FIELDS = [
  'os',
  'os_ver',
  'cpu_arch',
  'cpu_count',
  'cpu_info',
] as const;
const CRASH_FIELDS = ['type', 'address', 'crashing_thread'] as const;

function pick(value: unknown, fields: readonly string[]): Json {
  const object = value as Json;
  return Object.fromEntries(fields.map((f) => [f, object[f]]));
}

function expectedJson(name: string): Json {
  return JSON.parse(corpusFile(`expected/${name}`).toString('utf8')) as Json;
}

/** Symbols from the corpus, limited to `only` debug files when given. */
function corpusSymbols(only?: readonly string[]): CachingSymbolSupplier {
  const local = new LocalSymbolSource(join(corpusRoot, 'symbols'));
  const source: SymbolSource =
    only === undefined
      ? local
      : {
          name: 'corpus subset',
          fetch: (key) =>
            only.includes(key.debugFile)
              ? local.fetch(key)
              : Promise.resolve({ kind: 'missing' }),
        };
  return new CachingSymbolSupplier({ sources: [source] });
}

async function walked(
  dump: string,
  symbols?: CachingSymbolSupplier,
): Promise<Json> {
  return toJsonDump(await stackwalk(corpusFile(`dumps/${dump}`), { symbols }));
}

function frames(json: Json): Json[] {
  const crashing = json.crashing_thread as { frames: unknown[] };
  return crashing.frames.map((f) => pick(f, FRAME_FIELDS));
}

function compare(ours: Json, reference: Json, { modules = true } = {}): void {
  assert.equal(ours.status, reference.status);
  assert.equal(ours.thread_count, reference.thread_count);
  assert.deepEqual(
    pick(ours.crash_info, CRASH_FIELDS),
    pick(reference.crash_info, CRASH_FIELDS),
  );
  assert.deepEqual(
    pick(ours.system_info, SYSTEM_FIELDS),
    pick(reference.system_info, SYSTEM_FIELDS),
  );
  if (modules) {
    assert.deepEqual(
      (ours.modules as Json[]).map((m) => pick(m, MODULE_FIELDS)),
      (reference.modules as Json[]).map((m) => pick(m, MODULE_FIELDS)),
    );
  }
  const theirs = frames(reference);
  const mine = frames(ours);
  assert.equal(mine.length, theirs.length, 'frame count');
  theirs.forEach((frame, i) => assert.deepEqual(mine[i], frame, `frame ${i}`));
  // The context frame's registers, as rust-minidump prints them.
  const ourTop = (ours.crashing_thread as { frames: Json[] }).frames[0];
  const theirTop = (reference.crashing_thread as { frames: Json[] }).frames[0];
  assert.deepEqual(ourTop?.registers, theirTop?.registers);
}

describe(
  'real dumps walked as rust-minidump walks them',
  { skip: corpusSkip },
  () => {
    it('test.dmp (Windows x86) with test_app symbols: STACK WIN unwinding', async () => {
      // The reference was made with test_app's symbols alone, so kernel32
      // is a module whose symbols are missing.
      compare(
        await walked('windows-x86/test.dmp', corpusSymbols(['test_app.pdb'])),
        expectedJson('test.dmp.rust-stackwalk.test_app-symbols.json'),
      );
    });

    it('test.dmp with kernel32 symbols too: the last frame is named', async () => {
      const all = frames(await walked('windows-x86/test.dmp', corpusSymbols()));
      assert.deepEqual(
        all.map((f) => [f.module, f.function, f.trust]),
        [
          ['test_app.exe', "`anonymous namespace'::CrashFunction", 'context'],
          ['test_app.exe', 'main', 'cfi'],
          ['test_app.exe', '__tmainCRTStartup', 'cfi'],
          ['kernel32.dll', 'BaseProcessStart', 'cfi'],
        ],
      );
    });

    it('test.dmp without symbols: the ebp chain', async () => {
      // Without a symbol source rust-minidump reports loaded_symbols false
      // for every module, and so do we when given none.
      compare(
        await walked('windows-x86/test.dmp'),
        expectedJson('test.dmp.rust-stackwalk.no-symbols.json'),
      );
    });

    it('linux-mini.dmp (Linux amd64) without symbols: 14 scanned frames', async () => {
      compare(
        await walked('linux-amd64/linux-mini.dmp'),
        expectedJson('linux-mini.dmp.rust-stackwalk.json'),
      );
    });
  },
);
