/**
 * Every dump of the real corpus through the processor's default ruleset
 * (annotations, the minidump rule on the real walker, signatures): each
 * gives a processed crash without a failed rule, and the malformed dumps
 * give one whose notes say what was wrong.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ObjectId } from 'mongodb';
import { Registry } from 'prom-client';
import { createLogger } from '@crashstats/common';
import { createProcessorMetrics } from '../../src/metrics.js';
import { runRules } from '../../src/pipeline.js';
import { createMinidumpRule } from '../../src/rules/minidump.js';
import { createSignatureRule } from '../../src/rules/signature.js';
import { createRulesets } from '../../src/ruleset.js';
import { stackwalk, toJsonDump } from '../../src/stackwalk/index.js';
import {
  CachingSymbolSupplier,
  LocalSymbolSource,
} from '../../src/symbols/index.js';
import { corpusFile, corpusRoot, corpusSkip } from '../minidump/corpus.js';
import { ruleState } from '../support/rule-state.js';

const symbols = new CachingSymbolSupplier({
  sources: [new LocalSymbolSource(join(corpusRoot, 'symbols'))],
});
const rulesets = createRulesets({
  minidump: createMinidumpRule(async (bytes) =>
    toJsonDump(await stackwalk(bytes, { symbols })),
  ),
  signature: createSignatureRule(),
});
const log = createLogger({ service: 'test', version: '0', level: 'silent' });
const metrics = createProcessorMetrics(new Registry());

async function process(dump: Buffer) {
  const state = ruleState(
    {
      ProductName: 'Corpus',
      Version: '1.0',
      submitted_timestamp: '2016-09-18T10:00:00Z',
      metadata: { dump_checksums: { upload_file_minidump: 'x' } },
    },
    {
      dumps: [
        {
          name: 'upload_file_minidump',
          fileId: new ObjectId(),
          size: dump.length,
          sha256: '',
        },
      ],
      readDump: (name) =>
        Promise.resolve(name === 'upload_file_minidump' ? dump : undefined),
    },
  );
  const failed = await runRules(
    'default',
    rulesets.default,
    state,
    log,
    metrics,
  );
  return { failed, processed: state.processed, notes: state.notes };
}

const dumps = corpusSkip
  ? []
  : readdirSync(join(corpusRoot, 'dumps'), {
      recursive: true,
      encoding: 'utf8',
    })
      .filter((f) => f.endsWith('.dmp'))
      .sort();

describe('real dumps through the default ruleset', { skip: corpusSkip }, () => {
  for (const file of dumps.filter((f) => !f.startsWith('malformed'))) {
    it(file, async () => {
      const { failed, processed, notes } = await process(
        corpusFile(join('dumps', file)),
      );
      assert.deepEqual(failed, [], notes.join('; '));
      assert.equal(processed.mdsw_status_string, 'OK');
      assert.equal(typeof processed.signature, 'string');
      assert.notEqual(processed.signature, '');
      assert.ok(processed.json_dump, 'json_dump stored');
      assert.equal(typeof processed.os_name, 'string');
      assert.equal(typeof processed.cpu_arch, 'string');
    });
  }

  for (const file of dumps.filter((f) => f.startsWith('malformed'))) {
    it(`${file}: a processed crash whose notes name the problem`, async () => {
      const { failed, processed, notes } = await process(
        corpusFile(join('dumps', file)),
      );
      assert.deepEqual(failed, []);
      assert.match(String(processed.mdsw_status_string), /^ERROR_/);
      assert.ok(
        notes.some((n) =>
          n.startsWith('upload_file_minidump: stack walker status ERROR_'),
        ),
        notes.join('; '),
      );
      assert.equal(typeof processed.signature, 'string');
    });
  }

  it('signs test.dmp from its symbolicated crashing frame', async () => {
    const { processed } = await process(
      corpusFile('dumps/windows-x86/test.dmp'),
    );
    // Socorro's C++ normalization spells MSVC's anonymous namespace as GCC does.
    assert.equal(processed.signature, '(anonymous namespace)::CrashFunction');
    assert.equal(processed.reason, 'EXCEPTION_ACCESS_VIOLATION_WRITE');
    assert.equal(processed.address, '0x00000045');
  });
});
