import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ObjectId } from 'mongodb';
import {
  addonsRule,
  cleanRawRule,
  copyAnnotationsRule,
  crashReasonRule,
  datesRule,
  identityRule,
  majorVersion,
  phcRule,
  pluginRule,
  processTypeRule,
  productRule,
  reportTypeRule,
  sanitizeJavaStackTrace,
  sanitizeReason,
  submittedFromRule,
  userDataRule,
} from '../../src/rules/annotations.js';
import type { Rule } from '../../src/rules/rule.js';
import { createSignatureRule } from '../../src/rules/signature.js';
import { createRulesets } from '../../src/ruleset.js';
import {
  RULE_TEST_CRASH_ID,
  ruleState,
  runOnState,
} from '../support/rule-state.js';

const CRASH_ID = RULE_TEST_CRASH_ID;
const stateOf = (raw: Record<string, unknown>) => ruleState(raw);
const run = runOnState;

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

  it('strips NUL characters and drops null annotations first', async () => {
    const state = stateOf({ 'Produ\u0000ctName': 'Fire\u0000fox', Gone: null });
    const stored = state.raw;
    await cleanRawRule.run(state);
    assert.deepEqual(state.raw, { ProductName: 'Firefox' });
    assert.ok('Gone' in stored, 'the stored raw crash is left alone');
  });

  it('lists only well-formed report keys, truncated, and notes the rest', async () => {
    const long = `K${'x'.repeat(120)}`;
    const state = stateOf({ ProductName: 'X', 'bad key': '1', [long]: '2' });
    state.dumps = [
      {
        name: 'upload_file_minidump',
        fileId: new ObjectId(),
        size: 1,
        sha256: '',
      },
      { name: 'ProductName', fileId: new ObjectId(), size: 1, sha256: '' },
    ];
    await identityRule.run(state);
    assert.deepEqual(state.processed.crash_report_keys, [
      long.slice(0, 100),
      'ProductName',
      'upload_file_minidump',
    ]);
    assert.deepEqual(state.notes, ['invalidkeys: bad key']);
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

  it('rewrites Fenix nightly and ESR versions', async () => {
    const fenix = await run([productRule], {
      ProductName: 'Fenix',
      Version: 'Nightly 240601 06:02',
    });
    assert.equal(fenix.processed.version, '0.0a1');
    assert.equal(fenix.processed.major_version, 0);
    const other = await run([productRule], {
      ProductName: 'Focus',
      Version: 'Nightly 240601 06:02',
    });
    assert.equal(other.processed.version, 'Nightly 240601 06:02');
    const esr = await run([productRule], {
      Version: '128.5.0',
      ReleaseChannel: 'esr',
    });
    assert.equal(esr.processed.version, '128.5.0esr');
    assert.equal(esr.processed.major_version, 128);
  });

  it('reads the major version from the text before the first dot', () => {
    assert.equal(majorVersion('128.0b3'), 128);
    assert.equal(majorVersion('7'), 7);
    assert.equal(majorVersion('128a1.2'), 0);
    assert.equal(majorVersion('Nightly 240601'), 0);
    assert.equal(majorVersion(undefined), 0);
  });

  it('computes uptime and install age, clamping only the uptime', async () => {
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
    assert.equal(odd.processed.uptime, 0);
    assert.equal(odd.processed.install_age, undefined);
    assert.equal(odd.processed.install_time, undefined);
    assert.deepEqual(odd.notes, ['install_time value is not an integer']);
    const skewed = await run([datesRule], {
      CrashTime: '1000',
      InstallTime: '1500',
    });
    assert.equal(skewed.processed.install_age, -500);
    assert.equal(skewed.processed.install_time, 1500);
    const none = await run([datesRule], {});
    assert.deepEqual(none.processed, {});
  });

  it('dates a crash without CrashTime by its collection', async () => {
    const { processed } = await run([datesRule], {
      submitted_timestamp: '2026-12-03T10:00:00.123000+00:00',
      StartupTime: String(Date.UTC(2026, 11, 3, 9, 59) / 1000),
      InstallTime: '1000',
    });
    const epoch = Date.UTC(2026, 11, 3, 10) / 1000;
    assert.equal(processed.crash_time, epoch);
    assert.equal(processed.client_crash_date, '2026-12-03T10:00:00.000Z');
    assert.equal(processed.uptime, 60);
    assert.equal(processed.install_time, 1000);
  });

  it('defaults the process type, and calls main the parent', async () => {
    assert.equal(
      (await run([processTypeRule], {})).processed.process_type,
      'parent',
    );
    assert.equal(
      (await run([processTypeRule], { ProcessType: 'main' })).processed
        .process_type,
      'parent',
    );
    const content = await run([processTypeRule], { ProcessType: 'content' });
    assert.equal(content.processed.process_type, 'content');
    assert.equal(content.processed.report_type, undefined);
  });

  it('reads StartupCrash as a boolean', async () => {
    for (const [value, expected] of [
      ['1', true],
      ['true', true],
      ['0', false],
      ['False', false],
    ] as const) {
      const { processed } = await run([processTypeRule], {
        StartupCrash: value,
      });
      assert.equal(processed.startup_crash, expected, value);
    }
    const odd = await run([processTypeRule], { StartupCrash: 'maybe' });
    assert.equal(odd.processed.startup_crash, undefined);
    assert.deepEqual(odd.notes, ['startup_crash value is not a boolean']);
  });

  it('splits and decodes add-ons, marking a missing version', async () => {
    const { processed } = await run([addonsRule], {
      'Add-ons': 'a%40b.org:1.2, ,c:3,d%40e,f:',
    });
    assert.deepEqual(processed.addons, [
      'a@b.org:1.2',
      'c:3',
      'd@e:NO_VERSION',
      'f:NO_VERSION',
    ]);
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

  it('hides crash reasons known to carry private data', async () => {
    for (const reason of [
      'Failed to load module "/home/someone/lib.so"',
      'byte index 4 is out of bounds of `secret`',
      'do not use eval with system privileges: chrome://x',
    ]) {
      const { processed } = await run([crashReasonRule], {
        MozCrashReason: reason,
      });
      assert.equal(
        processed.moz_crash_reason,
        'sanitized--see moz_crash_reason_raw',
      );
      assert.equal(processed.moz_crash_reason_raw, reason);
    }
  });

  it('notes an OOM size that is not an integer', async () => {
    const { processed, notes } = await run([crashReasonRule], {
      OOMAllocationSize: 'lots',
    });
    assert.equal(processed.oom_allocation_size, undefined);
    assert.deepEqual(notes, ['oom_allocation_size value is not an integer']);
  });

  it('copies the protected user data', async () => {
    const { processed } = await run([userDataRule], {
      URL: 'https://a',
      Comments: 'hi',
    });
    assert.equal(processed.url, 'https://a');
    assert.equal(processed.user_comments, 'hi');
  });

  it('says how the report was submitted', async () => {
    const from = async (raw: Record<string, unknown>) => {
      const { processed } = await run([submittedFromRule], raw);
      return [processed.submitted_from, processed.submitted_from_infobar];
    };
    assert.deepEqual(await from({ SubmittedFrom: 'Auto' }), ['Auto', false]);
    assert.deepEqual(await from({ SubmittedFrom: 'Infobar' }), [
      'Infobar',
      true,
    ]);
    assert.deepEqual(await from({}), ['Unknown', false]);
    assert.deepEqual(await from({ SubmittedFrom: ' ' }), ['Unknown', false]);
    // The older annotation decides when it is there, whatever SubmittedFrom
    // says; a JSON submission may carry it as a boolean.
    for (const yes of ['1', 'true', true]) {
      assert.deepEqual(
        await from({ SubmittedFromInfobar: yes, SubmittedFrom: 'Client' }),
        ['Infobar', true],
        String(yes),
      );
    }
    for (const no of ['0', 'false', false, '']) {
      assert.deepEqual(
        await from({ SubmittedFromInfobar: no, SubmittedFrom: 'Client' }),
        ['Unknown', false],
        String(no),
      );
    }
  });

  it('names the plugin of a plugin process', async () => {
    const plugin = await run([pluginRule], {
      ProcessType: 'plugin',
      PluginFilename: 'NPSWF32.dll',
      PluginName: 'Shockwave Flash',
    });
    assert.deepEqual(plugin.processed, {
      plugin_filename: 'NPSWF32.dll',
      plugin_name: 'Shockwave Flash',
      plugin_version: '',
    });
    const content = await run([pluginRule], {
      ProcessType: 'content',
      PluginName: 'Shockwave Flash',
    });
    assert.deepEqual(content.processed, {});
  });

  it('reads the heap checker annotations of a PHC crash', async () => {
    const { processed, notes } = await run([phcRule], {
      PHCKind: 'FreedPage',
      PHCBaseAddress: '140737488355328',
      PHCUsableSize: '32',
      PHCAllocStack: '4294967295,4294967294',
      PHCFreeStack: '1,2,3',
    });
    assert.deepEqual(processed, {
      phc_kind: 'FreedPage',
      // Past 2^53, so it must not go through a double.
      phc_base_address: '0x800000000000',
      phc_usable_size: 32,
      phc_alloc_stack: '4294967295,4294967294',
      phc_free_stack: '1,2,3',
    });
    assert.deepEqual(notes, []);
    const big = await run([phcRule], {
      PHCKind: 'GuardPage',
      PHCBaseAddress: '18446744073709551615',
    });
    assert.equal(big.processed.phc_base_address, '0xffffffffffffffff');
    const malformed = await run([phcRule], {
      PHCKind: 'GuardPage',
      PHCBaseAddress: '0x10',
      PHCUsableSize: 'big',
    });
    assert.deepEqual(malformed.processed, { phc_kind: 'GuardPage' });
    const other = await run([phcRule], { PHCBaseAddress: '16' });
    assert.deepEqual(other.processed, {}, 'nothing without PHCKind');
  });

  it('copies the plain annotations', async () => {
    const { processed, notes } = await run([copyAnnotationsRule], {
      Hang: 'ui ',
      Notes: 'AdapterVendorID: 0x10de\n',
      Throttleable: '0',
      AdapterVendorID: '0x10de',
      AdapterDeviceID: '0x1c82',
      Accessibility: 'Active',
      UtilityActorsName: 'audioDecoder_WMF, mfMediaEngineCDM,',
      JavaException: { exception: { values: [] } },
    });
    assert.equal(processed.hang, 'ui');
    assert.equal(processed.app_notes, 'AdapterVendorID: 0x10de');
    assert.equal(processed.throttleable, false);
    assert.equal(processed.adapter_vendor_id, '0x10de');
    assert.equal(processed.adapter_device_id, '0x1c82');
    assert.equal(processed.accessibility, true);
    assert.deepEqual(processed.utility_actors_name, [
      'audioDecoder_WMF',
      'mfMediaEngineCDM',
    ]);
    assert.deepEqual(processed.java_exception, {
      exception: { values: [] },
    });
    assert.equal(processed.distribution_id, 'unknown');
    assert.deepEqual(notes, []);
    const none = await run([copyAnnotationsRule], {});
    assert.equal(none.processed.accessibility, false);
    assert.equal('hang' in none.processed, false);
  });

  it('decodes the telemetry environment and reads the distribution', async () => {
    const fromTelemetry = await run([copyAnnotationsRule], {
      TelemetryEnvironment: JSON.stringify({
        partner: { distributionId: 'acme' },
      }),
    });
    assert.deepEqual(fromTelemetry.processed.telemetry_environment, {
      partner: { distributionId: 'acme' },
    });
    assert.equal(fromTelemetry.processed.distribution_id, 'acme');
    const annotated = await run([copyAnnotationsRule], {
      DistributionID: 'canonical',
      TelemetryEnvironment: '{"partner":{"distributionId":"acme"}}',
    });
    assert.equal(annotated.processed.distribution_id, 'canonical');
    const empty = await run([copyAnnotationsRule], { DistributionID: '' });
    assert.equal(empty.processed.distribution_id, 'mozilla');
    const malformed = await run([copyAnnotationsRule], {
      TelemetryEnvironment: '{"partner":',
      JavaException: '[1]',
    });
    assert.equal(malformed.processed.telemetry_environment, undefined);
    assert.deepEqual(malformed.notes, [
      'telemetry_environment value is malformed json',
      'java_exception value is malformed json',
    ]);
  });

  it('sanitizes control characters', () => {
    assert.equal(sanitizeReason('a\u0000b\nc'), 'a b c');
    assert.equal(sanitizeJavaStackTrace('java.lang.X'), 'java.lang.X');
  });
});

describe('report type rule', () => {
  function watchdogDump(frame: Record<string, unknown>) {
    return {
      crash_info: { crashing_thread: 1 },
      threads: [
        { frames: [{ function: 'RunWatchdog' }] },
        { frames: [{ function: 'NtWaitForSingleObject' }, frame] },
      ],
    };
  }

  it('calls a crash a crash by default', async () => {
    const { processed } = await run([reportTypeRule], {
      HangID: 'h',
      Hang: '1',
    });
    assert.equal(processed.report_type, 'crash');
  });

  it('calls IPC channel errors and shutdown timeouts hangs', async () => {
    for (const processed of [
      { ipc_channel_error: 'ShutDownKill' },
      { async_shutdown_timeout: '{"phase":"x"}' },
    ]) {
      const state = await run([reportTypeRule], {}, processed);
      assert.equal(state.processed.report_type, 'hang');
    }
  });

  it('calls a crashing thread in RunWatchdog a hang', async () => {
    const physical = await run(
      [reportTypeRule],
      {},
      {
        json_dump: watchdogDump({
          function: 'mozilla::(anonymous)::RunWatchdog(void*)',
        }),
      },
    );
    assert.equal(physical.processed.report_type, 'hang');
    const inlined = await run(
      [reportTypeRule],
      {},
      {
        json_dump: watchdogDump({
          function: 'PR_Run',
          inlines: [{ function: 'RunWatchdog' }],
        }),
      },
    );
    assert.equal(inlined.processed.report_type, 'hang');
    // Only the crashing thread counts: thread 0 is not it.
    const other = await run(
      [reportTypeRule],
      {},
      {
        json_dump: watchdogDump({ function: 'PR_Run' }),
      },
    );
    assert.equal(other.processed.report_type, 'crash');
  });

  it('runs after the annotations and the stack walk', async () => {
    const order: string[] = [];
    const minidump: Rule = {
      name: 'minidump',
      run(state) {
        order.push('minidump');
        state.processed.json_dump = watchdogDump({ function: 'RunWatchdog' });
      },
    };
    const { default: rules } = createRulesets({ minidump });
    const names = rules.map((r) => r.name);
    assert.ok(names.indexOf('report_type') > names.indexOf('minidump'));
    assert.ok(names.indexOf('report_type') > names.indexOf('crash_reason'));
    const state = await run([...rules], {});
    assert.deepEqual(order, ['minidump']);
    assert.equal(state.processed.report_type, 'hang');
    const ipc = await run([...rules], { ipc_channel_error: 'ShutDownKill' });
    assert.equal(ipc.processed.report_type, 'hang');
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

  it('prefixes the Hang annotation copied into hang', async () => {
    const { default: rules } = createRulesets({
      signature: createSignatureRule(),
    });
    const state = await run([...rules], { Hang: 'ui' });
    assert.equal(state.processed.hang, 'ui');
    assert.equal(
      state.processed.signature,
      'hang: ui | EMPTY: no frame data available',
    );
  });

  it('leaves a note when there is no stack', async () => {
    const state = stateOf({});
    await createSignatureRule().run(state);
    assert.equal(state.processed.signature, 'EMPTY: no frame data available');
    assert.ok(state.notes.length > 0);
  });
});
