import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addonsRule,
  crashReasonRule,
  datesRule,
  identityRule,
  processTypeRule,
  productRule,
  sanitizeJavaStackTrace,
  sanitizeReason,
  userDataRule,
} from '../../src/rules/annotations.js';
import type { ProcessingState, Rule } from '../../src/rules/rule.js';
import { createSignatureRule } from '../../src/rules/signature.js';

const CRASH_ID = 'de1bb258-cbbf-4589-a673-34f800160918';

function stateOf(raw: Record<string, unknown>): ProcessingState {
  return {
    crashId: CRASH_ID,
    raw,
    dumps: [],
    readDump: () => Promise.resolve(undefined),
    processed: {},
    notes: [],
    signal: new AbortController().signal,
  };
}

async function run(rules: Rule[], raw: Record<string, unknown>) {
  const state = stateOf(raw);
  for (const rule of rules) {
    await rule.run(state);
  }
  return state;
}

describe('annotation rules', () => {
  it('copies identity and collection time', async () => {
    const { processed } = await run([identityRule], {
      submitted_timestamp: '2026-12-03T10:00:00.123000+00:00',
      metadata: { payload: 'json' },
      ProductName: 'X',
    });
    assert.equal(processed.uuid, CRASH_ID);
    assert.deepEqual(
      processed.date_processed,
      new Date('2026-12-03T10:00:00.123Z'),
    );
    assert.deepEqual(processed.collector_metadata, { payload: 'json' });
    assert.deepEqual(processed.crash_report_keys, [
      'ProductName',
      'metadata',
      'submitted_timestamp',
    ]);
  });

  it('reads product, version and build', async () => {
    const { processed } = await run([productRule], {
      ProductName: ' Firefox ',
      Version: '115.12.0esr',
      ReleaseChannel: 'esr',
      BuildID: '20240601000000',
    });
    assert.equal(processed.product, 'Firefox');
    assert.equal(processed.major_version, 115);
    assert.equal(processed.release_channel, 'esr');
    assert.equal(processed.build, '20240601000000');
  });

  it('computes uptime and install age, ignoring impossible values', async () => {
    const ok = await run([datesRule], {
      CrashTime: '1000',
      StartupTime: '900',
      InstallTime: '100',
    });
    assert.equal(ok.processed.uptime, 100);
    assert.equal(ok.processed.install_age, 900);
    assert.equal(ok.processed.install_time, 100);
    assert.equal(ok.processed.client_crash_date, '1970-01-01T00:16:40.000Z');
    const odd = await run([datesRule], {
      CrashTime: '1000',
      StartupTime: '2000',
      InstallTime: 'x',
    });
    assert.equal(odd.processed.uptime, undefined);
    assert.equal(odd.processed.install_age, undefined);
    assert.equal(odd.processed.install_time, undefined);
    const none = await run([datesRule], {});
    assert.deepEqual(none.processed, {});
  });

  it('defaults the process type and recognises hangs', async () => {
    assert.equal(
      (await run([processTypeRule], {})).processed.process_type,
      'parent',
    );
    const hang = await run([processTypeRule], {
      ProcessType: 'content',
      HangID: 'h',
    });
    assert.equal(hang.processed.process_type, 'content');
    assert.equal(hang.processed.report_type, 'hang');
  });

  it('splits and decodes add-ons', async () => {
    const { processed } = await run([addonsRule], {
      'Add-ons': 'a%40b.org:1.2, ,c:3',
    });
    assert.deepEqual(processed.addons, ['a@b.org:1.2', 'c:3']);
  });

  it('keeps raw crash reasons apart from their public form', async () => {
    const { processed } = await run([crashReasonRule], {
      MozCrashReason: 'MOZ_CRASH(bad url https://secret.example/x)',
      OOMAllocationSize: '1048576',
      JavaStackTrace:
        'java.lang.NullPointerException: user@example.com\n\tat a.b(c.java:1)',
    });
    assert.equal(
      processed.moz_crash_reason_raw,
      'MOZ_CRASH(bad url https://secret.example/x)',
    );
    assert.equal(processed.moz_crash_reason, 'MOZ_CRASH(bad url');
    assert.equal(processed.oom_allocation_size, 1048576);
    assert.equal(
      processed.java_stack_trace,
      'java.lang.NullPointerException\n\tat a.b(c.java:1)',
    );
  });

  it('copies the protected user data', async () => {
    const { processed } = await run([userDataRule], {
      URL: 'https://a',
      Comments: 'hi',
    });
    assert.equal(processed.url, 'https://a');
    assert.equal(processed.user_comments, 'hi');
  });

  it('sanitizes control characters', () => {
    assert.equal(sanitizeReason('a\u0000b\nc'), 'a b c');
    assert.equal(sanitizeJavaStackTrace('java.lang.X'), 'java.lang.X');
  });
});

describe('signature rule', () => {
  it('signs from the walked stack and keeps the generator notes', async () => {
    const state = stateOf({});
    state.processed.json_dump = {
      crash_info: {
        crashing_thread: 0,
        type: 'EXCEPTION_ACCESS_VIOLATION_READ',
      },
      system_info: { os: 'Windows NT' },
      threads: [
        {
          frames: [
            { frame: 0, function: 'memcpy', module: 'vcruntime140.dll' },
            { frame: 1, function: 'mozilla::Foo::Bar(int)', module: 'xul.dll' },
          ],
        },
      ],
    };
    await createSignatureRule().run(state);
    assert.equal(typeof state.processed.signature, 'string');
    assert.match(String(state.processed.signature), /mozilla::Foo::Bar/);
    assert.match(
      String(state.processed.proto_signature),
      /memcpy \| mozilla::Foo::Bar/,
    );
  });

  it('leaves a note when there is no stack', async () => {
    const state = stateOf({});
    await createSignatureRule().run(state);
    assert.equal(state.processed.signature, 'EMPTY: no frame data available');
    assert.ok(state.notes.length > 0);
  });
});
