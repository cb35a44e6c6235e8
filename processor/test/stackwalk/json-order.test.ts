/**
 * The JSON document keeps rust-minidump's key order (alphabetical at every
 * level), over the synthetic dumps and every real dump of the corpus.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { stackwalk, toJsonDump } from '../../src/stackwalk/index.js';
import {
  CachingSymbolSupplier,
  LocalSymbolSource,
} from '../../src/symbols/index.js';
import { corpusFile, corpusRoot, corpusSkip } from '../minidump/corpus.js';
import { sampleDump } from '../support/minidump-sample.js';

/** Paths (`a.b[0].c`) of objects whose keys are out of order. */
function unsortedPaths(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) {
    return value.flatMap((v, i) => unsortedPaths(v, `${path}[${i}]`));
  }
  if (value === null || typeof value !== 'object') {
    return [];
  }
  const keys = Object.keys(value);
  const sorted = [...keys].sort();
  const here = keys.every((k, i) => k === sorted[i]) ? [] : [path];
  return here.concat(
    keys.flatMap((k) =>
      unsortedPaths((value as Record<string, unknown>)[k], `${path}.${k}`),
    ),
  );
}

describe('minidump-stackwalk JSON key order', () => {
  for (const cpu of ['x86', 'amd64', 'arm64'] as const) {
    it(`synthetic ${cpu} dump`, async () => {
      const json = toJsonDump(await stackwalk(sampleDump(cpu).build(), {}));
      assert.deepEqual(unsortedPaths(json), []);
    });
  }

  it('every real dump', { skip: corpusSkip }, async () => {
    const symbols = new CachingSymbolSupplier({
      sources: [new LocalSymbolSource(join(corpusRoot, 'symbols'))],
    });
    const files = readdirSync(join(corpusRoot, 'dumps'), {
      recursive: true,
      encoding: 'utf8',
    }).filter((f) => f.endsWith('.dmp'));
    assert.ok(files.length > 10);
    for (const file of files) {
      const result = await stackwalk(corpusFile(join('dumps', file)), {
        symbols,
      });
      assert.deepEqual(unsortedPaths(toJsonDump(result)), [], file);
    }
  });
});
