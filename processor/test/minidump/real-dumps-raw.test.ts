/**
 * Compares raw stream fields of test.dmp with Breakpad's minidump_dump
 * listing (expected/test.dmp.breakpad-minidump_dump.txt): header, threads
 * and their contexts and stacks, modules, memory, exception, system, misc
 * and Breakpad info.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CpuContext } from '../../src/minidump/index.js';
import { corpusDump, corpusFile, corpusSkip } from './corpus.js';

interface Block {
  /** Unindented lines (titles such as `thread[0]`, `MDRawThread`). */
  readonly titles: string[];
  /** `key = value` lines. */
  readonly fields: Map<string, string>;
}

function parseListing(text: string): Block[] {
  return text.split(/\n\n+/).map((chunk) => {
    const titles: string[] = [];
    const fields = new Map<string, string>();
    for (const line of chunk.split('\n')) {
      const m = /^\s+(\S.*?)\s+= (.*)$/.exec(line);
      if (m?.[1] !== undefined && m[2] !== undefined) {
        fields.set(m[1], m[2]);
      } else if (line.trim() !== '') {
        titles.push(line.trim());
      }
    }
    return { titles, fields };
  });
}

function field(block: Block | undefined, key: string): string {
  const v = block?.fields.get(key);
  assert.ok(v !== undefined, `field ${key}`);
  return v;
}

/** Numeric field: leading decimal or 0x-hex token. */
function num(block: Block | undefined, key: string): bigint {
  return BigInt(field(block, key).split(' ')[0] ?? 'x');
}

/** Quoted string field, `(null)` as undefined. */
function str(block: Block | undefined, key: string): string | undefined {
  const v = field(block, key);
  return v === '(null)' ? undefined : v.replace(/^"|"$/g, '');
}

/** The hex dump after a `Stack` or `Memory` title, from block `index` on. */
function hexAfter(blocks: Block[], index: number): string {
  for (const b of blocks.slice(index)) {
    const at = b.titles.findIndex((t) => t === 'Stack' || t === 'Memory');
    if (at >= 0) {
      return (b.titles[at + 1] ?? '').replace(/^0x/, '');
    }
  }
  return '';
}

function checkX86Context(
  ctx: CpuContext | undefined,
  block: Block | undefined,
): void {
  assert.equal(BigInt(ctx?.flags ?? -1), num(block, 'context_flags'));
  for (const reg of [
    'eip',
    'esp',
    'ebp',
    'eax',
    'ebx',
    'ecx',
    'edx',
    'esi',
    'edi',
    'eflags',
    'cs',
    'ds',
    'es',
    'fs',
    'gs',
    'ss',
  ]) {
    assert.equal(ctx?.get(reg), num(block, reg), reg);
  }
}

describe(
  'test.dmp against Breakpad minidump_dump',
  { skip: corpusSkip },
  () => {
    const blocks = corpusSkip
      ? []
      : parseListing(
          corpusFile('expected/test.dmp.breakpad-minidump_dump.txt').toString(
            'utf8',
          ),
        );
    const byTitle = (t: string) => blocks.filter((b) => b.titles.includes(t));
    const d = corpusSkip ? undefined : corpusDump('windows-x86/test.dmp');

    it('header and directory', () => {
      const h = byTitle('MDRawHeader')[0];
      assert.equal(BigInt(d?.header.version ?? 0), num(h, 'version'));
      assert.equal(
        BigInt(d?.header.timeDateStamp ?? 0),
        num(h, 'time_date_stamp'),
      );
      assert.equal(BigInt(d?.header.streamCount ?? 0), num(h, 'stream_count'));
      const used = byTitle('MDRawDirectory').filter(
        (b) => num(b, 'stream_type') !== 0n,
      );
      assert.deepEqual(
        d?.directory.map((e) => [e.type, e.size, e.rva]),
        used.map((b) => [
          Number(num(b, 'stream_type')),
          Number(num(b, 'location.data_size')),
          Number(num(b, 'location.rva')),
        ]),
      );
    });

    it('threads, their contexts and stack bytes', () => {
      const threads = blocks.flatMap((b, i) =>
        b.titles.includes('MDRawThread') ? [i] : [],
      );
      assert.equal(threads.length, d?.threads.length);
      threads.forEach((at, n) => {
        const b = blocks[at];
        const t = d?.threads[n];
        assert.equal(BigInt(t?.id ?? -1), num(b, 'thread_id'));
        assert.equal(t?.teb, num(b, 'teb'));
        assert.equal(t?.stack?.base, num(b, 'stack.start_of_memory_range'));
        assert.equal(
          BigInt(t?.stack?.bytes.length ?? -1),
          num(b, 'stack.memory.data_size'),
        );
        assert.equal(t?.stack?.bytes.toString('hex'), hexAfter(blocks, at));
        checkX86Context(
          t?.context,
          blocks.slice(at).find((x) => x.titles.includes('MDRawContextX86')),
        );
      });
    });

    it('modules', () => {
      const modules = byTitle('MDRawModule');
      assert.equal(modules.length, d?.modules.length);
      modules.forEach((b, i) => {
        const m = d?.modules[i];
        assert.equal(m?.base, num(b, 'base_of_image'));
        assert.equal(BigInt(m?.size ?? -1), num(b, 'size_of_image'));
        assert.equal(BigInt(m?.checksum ?? -1), num(b, 'checksum'));
        assert.equal(BigInt(m?.timeDateStamp ?? -1), num(b, 'time_date_stamp'));
        assert.equal(m?.codeFile, str(b, '(code_file)'));
        assert.equal(m?.codeId, str(b, '(code_identifier)')?.toLowerCase());
        assert.equal(m?.debugFile, str(b, '(debug_file)'));
        assert.equal(m?.debugId, str(b, '(debug_identifier)'));
        assert.equal(m?.version ?? '', str(b, '(version)'));
        const cv = m?.codeView;
        assert.equal(cv?.kind, 'pdb70');
        if (cv?.kind === 'pdb70') {
          assert.equal(BigInt(cv.age), num(b, '(cv_record).age'));
          assert.equal(cv.pdbFile, str(b, '(cv_record).pdb_file_name'));
        }
      });
    });

    it('memory list regions and bytes', () => {
      const regions = blocks.flatMap((b, i) =>
        b.titles.includes('MDMemoryDescriptor') ? [i] : [],
      );
      assert.ok(regions.length > 0);
      for (const at of regions) {
        const b = blocks[at];
        const base = num(b, 'start_of_memory_range');
        const bytes = d?.readMemory(base, Number(num(b, 'memory.data_size')));
        assert.equal(bytes?.toString('hex'), hexAfter(blocks, at));
      }
    });

    it('exception, with its own context', () => {
      const at = blocks.findIndex((b) => b.titles.includes('MDException'));
      const b = blocks[at];
      const e = d?.exception;
      assert.equal(BigInt(e?.threadId ?? -1), num(b, 'thread_id'));
      assert.equal(
        BigInt(e?.code ?? -1),
        num(b, 'exception_record.exception_code'),
      );
      assert.equal(
        BigInt(e?.flags ?? -1),
        num(b, 'exception_record.exception_flags'),
      );
      assert.equal(e?.address, num(b, 'exception_record.exception_address'));
      assert.equal(
        BigInt(e?.numberParameters ?? -1),
        num(b, 'exception_record.number_parameters'),
      );
      assert.deepEqual(e?.parameters, [
        num(b, 'exception_record.exception_information[ 0]'),
        num(b, 'exception_record.exception_information[ 1]'),
      ]);
      checkX86Context(
        e?.context,
        blocks.slice(at).find((x) => x.titles.includes('MDRawContextX86')),
      );
    });

    it('system, misc and Breakpad info', () => {
      const s = byTitle('MDRawSystemInfo')[0];
      const si = d?.systemInfo;
      assert.equal(BigInt(si?.processorLevel ?? -1), num(s, 'processor_level'));
      assert.equal(
        BigInt(si?.processorRevision ?? -1),
        num(s, 'processor_revision'),
      );
      assert.equal(BigInt(si?.productType ?? -1), num(s, 'product_type'));
      assert.equal(BigInt(si?.suiteMask ?? -1), num(s, 'suite_mask'));
      assert.equal(si?.csdVersion, str(s, '(csd_version)'));
      assert.equal(si?.x86CpuId?.vendor, str(s, '(cpu_vendor)'));
      assert.equal(
        BigInt(si?.x86CpuId?.featureInformation ?? -1),
        num(s, 'cpu.x86_cpu_info.feature_information'),
      );
      const m = byTitle('MDRawMiscInfo')[0];
      assert.equal(BigInt(d?.miscInfo?.flags1 ?? -1), num(m, 'flags1'));
      assert.equal(BigInt(d?.miscInfo?.processId ?? -1), num(m, 'process_id'));
      assert.equal(
        BigInt(d?.miscInfo?.processCreateTime ?? -1),
        num(m, 'process_create_time'),
      );
      const bp = byTitle('MDRawBreakpadInfo')[0];
      assert.equal(
        BigInt(d?.breakpadInfo?.validity ?? -1),
        num(bp, 'validity'),
      );
      assert.equal(
        BigInt(d?.breakpadInfo?.dumpThreadId ?? -1),
        num(bp, 'dump_thread_id'),
      );
      assert.equal(
        BigInt(d?.breakpadInfo?.requestingThreadId ?? -1),
        num(bp, 'requesting_thread_id'),
      );
    });
  },
);
