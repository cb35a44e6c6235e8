import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  ConfigError,
  parseThrottleRules,
  type ThrottleRule,
} from '@crashstats/common';
import {
  createThrottler,
  isBuildIdOlderThan,
  NO_MATCH,
} from '../src/throttle.js';

const NOW = new Date('2026-12-03T12:00:00Z');

function throttle(rules: ThrottleRule[], random = () => 50) {
  return createThrottler(rules, { now: () => NOW, random });
}

describe('throttle rules', () => {
  it('accepts everything with an unconditional accept rule', () => {
    const t = throttle([{ name: 'accept_everything', result: 'accept' }]);
    assert.deepEqual(t({}), { result: 'accept', rule: 'accept_everything' });
  });

  it('rejects with NO_MATCH when no rule decides', () => {
    const t = throttle([
      {
        name: 'only_firefox',
        when: [{ annotation: 'ProductName', equals: 'Firefox' }],
        result: 'accept',
      },
    ]);
    assert.deepEqual(t({ ProductName: 'Other' }), {
      result: 'reject',
      rule: NO_MATCH,
    });
  });

  it('takes the first matching rule in order', () => {
    const t = throttle([
      {
        name: 'has_comments',
        when: [{ annotation: 'Comments', present: true }],
        result: 'accept',
      },
      { name: 'drop_rest', result: 'reject' },
    ]);
    assert.equal(t({ Comments: 'it broke' }).rule, 'has_comments');
    assert.equal(t({ Comments: '' }).rule, 'drop_rest');
    assert.equal(t({}).rule, 'drop_rest');
  });

  it('tests equality, lists and regular expressions', () => {
    const t = throttle([
      {
        name: 'eq',
        when: [{ annotation: 'A', equals: 'x', ignoreCase: true }],
        result: 'accept',
      },
      {
        name: 'in',
        when: [{ annotation: 'B', in: ['gpu', 'rdd'] }],
        result: 'accept',
      },
      {
        name: 're',
        when: [{ annotation: 'C', matches: '^nightly' }],
        result: 'accept',
      },
    ]);
    assert.equal(t({ A: 'X' }).rule, 'eq');
    assert.equal(t({ B: 'rdd' }).rule, 'in');
    assert.equal(t({ C: 'nightly-try' }).rule, 're');
    assert.equal(t({ C: 'release' }).rule, NO_MATCH);
  });

  it('requires every condition of a rule and honours not', () => {
    const t = throttle([
      {
        name: 'hang_in_browser',
        when: [
          { annotation: 'HangID', present: true },
          { annotation: 'ProcessType', in: ['content', 'gpu'], not: true },
        ],
        result: 'reject',
      },
      { name: 'accept_everything', result: 'accept' },
    ]);
    assert.equal(t({ HangID: 'h' }).rule, 'hang_in_browser');
    assert.equal(
      t({ HangID: 'h', ProcessType: 'browser' }).rule,
      'hang_in_browser',
    );
    assert.equal(
      t({ HangID: 'h', ProcessType: 'content' }).rule,
      'accept_everything',
    );
  });

  it('judges build id age against the injected clock', () => {
    const t = throttle([
      {
        name: 'has_old_buildid',
        when: [{ annotation: 'BuildID', buildIdOlderThanDays: 730 }],
        result: 'reject',
      },
      { name: 'accept_everything', result: 'accept' },
    ]);
    assert.equal(t({ BuildID: '20240101000000' }).rule, 'has_old_buildid');
    assert.equal(t({ BuildID: '20261101000000' }).rule, 'accept_everything');
    assert.equal(t({ BuildID: 'not-a-date' }).rule, 'accept_everything');
  });

  it('compares versions within a range', () => {
    const t = throttle([
      {
        name: 'v52_to_59',
        when: [
          { annotation: 'Version', versionAtLeast: '52', versionBelow: '60' },
        ],
        result: 'reject',
      },
      { name: 'accept_everything', result: 'accept' },
    ]);
    assert.equal(t({ Version: '52.0' }).rule, 'v52_to_59');
    assert.equal(t({ Version: '59.0.3' }).rule, 'v52_to_59');
    assert.equal(t({ Version: '60.0b1' }).rule, 'v52_to_59');
    assert.equal(t({ Version: '60.0' }).rule, 'accept_everything');
    assert.equal(t({ Version: '51.9' }).rule, 'accept_everything');
  });

  it('looks inside a JSON-encoded annotation along a path', () => {
    // Mozilla's rule on ESR builds for Windows 8.1 and older, whose OS
    // sits in TelemetryEnvironment.
    const t = throttle([
      {
        name: 'is_firefox_esr_unsupported_windows',
        when: [
          { annotation: 'ReleaseChannel', equals: 'esr' },
          {
            annotation: 'TelemetryEnvironment',
            path: 'system.os.name',
            equals: 'Windows_NT',
          },
          {
            annotation: 'TelemetryEnvironment',
            path: ['system', 'os', 'windowsBuildNumber'],
            versionBelow: '9601',
          },
        ],
        result: 'reject',
      },
      { name: 'accept_everything', result: 'accept' },
    ]);
    const esrOn = (os: unknown) => ({
      ReleaseChannel: 'esr',
      TelemetryEnvironment: JSON.stringify({ system: { os } }),
    });
    const rule = (crash: Record<string, unknown>) => t(crash).rule;
    assert.equal(
      rule(esrOn({ name: 'Windows_NT', windowsBuildNumber: 9600 })),
      'is_firefox_esr_unsupported_windows',
    );
    assert.equal(
      rule(esrOn({ name: 'Windows_NT', windowsBuildNumber: 19045 })),
      'accept_everything',
    );
    assert.equal(
      rule(esrOn({ name: 'Darwin', windowsBuildNumber: 9600 })),
      'accept_everything',
    );
    // Missing keys, a value that is not JSON and an absent annotation are
    // no value at all.
    assert.equal(rule(esrOn({ name: 'Windows_NT' })), 'accept_everything');
    assert.equal(
      rule({ ReleaseChannel: 'esr', TelemetryEnvironment: '{not json' }),
      'accept_everything',
    );
    assert.equal(rule({ ReleaseChannel: 'esr' }), 'accept_everything');
    // An annotation sent as a JSON object already is read the same way.
    assert.equal(
      rule({
        ReleaseChannel: 'esr',
        TelemetryEnvironment: {
          system: { os: { name: 'Windows_NT', windowsBuildNumber: 7601 } },
        },
      }),
      'is_firefox_esr_unsupported_windows',
    );
  });

  it('reads array items by index and tests presence along a path', () => {
    const t = throttle([
      {
        name: 'first_gpu_is_intel',
        when: [
          {
            annotation: 'TelemetryEnvironment',
            path: 'system.gfx.adapters.0.vendorID',
            equals: '0x8086',
          },
        ],
        result: 'accept',
      },
      {
        name: 'no_partner',
        when: [
          {
            annotation: 'TelemetryEnvironment',
            path: 'partner.distributionId',
            present: false,
          },
        ],
        result: 'reject',
      },
      { name: 'accept_everything', result: 'accept' },
    ]);
    const env = (value: unknown) => ({
      TelemetryEnvironment: JSON.stringify(value),
    });
    assert.equal(
      t(env({ system: { gfx: { adapters: [{ vendorID: '0x8086' }] } } })).rule,
      'first_gpu_is_intel',
    );
    assert.equal(
      t(env({ system: { gfx: { adapters: [] } } })).rule,
      'no_partner',
    );
    assert.equal(
      t(env({ partner: { distributionId: 'acme' } })).rule,
      'accept_everything',
    );
    assert.equal(t(env({ partner: {} })).rule, 'no_partner');
    // Keys come from the object itself, never from its prototype.
    const inherited = throttle([
      {
        name: 'has_constructor',
        when: [{ annotation: 'A', path: 'constructor', present: true }],
        result: 'reject',
      },
      { name: 'accept_everything', result: 'accept' },
    ]);
    assert.equal(inherited({ A: '{}' }).rule, 'accept_everything');
    assert.equal(inherited({ A: '{"constructor":1}' }).rule, 'has_constructor');
    assert.equal(
      t({
        TelemetryEnvironment: JSON.stringify({
          system: { gfx: { adapters: { length: 1 } } },
        }),
      }).rule,
      'no_partner',
    );
  });

  it('samples with the injected random source', () => {
    const rules: ThrottleRule[] = [
      {
        name: 'is_firefox_desktop',
        when: [{ annotation: 'ProductName', equals: 'Firefox' }],
        result: { samplePercent: 10, sampled: 'accept', unsampled: 'reject' },
      },
    ];
    assert.deepEqual(throttle(rules, () => 5)({ ProductName: 'Firefox' }), {
      result: 'accept',
      rule: 'is_firefox_desktop',
    });
    // A roll equal to the percentage is sampled, as in Antenna.
    assert.deepEqual(throttle(rules, () => 10)({ ProductName: 'Firefox' }), {
      result: 'accept',
      rule: 'is_firefox_desktop',
    });
    assert.deepEqual(
      throttle(rules, () => 10.001)({ ProductName: 'Firefox' }),
      { result: 'reject', rule: 'is_firefox_desktop' },
    );
  });

  it('falls through to the next rule on continue', () => {
    const rules: ThrottleRule[] = [
      {
        name: 'is_shutdownkill',
        when: [{ annotation: 'ipc_channel_error', equals: 'ShutDownKill' }],
        result: { samplePercent: 10, sampled: 'continue', unsampled: 'reject' },
      },
      { name: 'accept_everything', result: 'accept' },
    ];
    const crash = { ipc_channel_error: 'ShutDownKill' };
    assert.equal(throttle(rules, () => 3)(crash).rule, 'accept_everything');
    assert.equal(throttle(rules, () => 30)(crash).rule, 'is_shutdownkill');
  });

  it('samples close to the configured share with real randomness', () => {
    const t = createThrottler([
      { name: 'half', result: { samplePercent: 50 } },
    ]);
    let accepted = 0;
    for (let i = 0; i < 2000; i++) {
      accepted += t({}).result === 'accept' ? 1 : 0;
    }
    assert.ok(
      accepted > 850 && accepted < 1150,
      `accepted ${accepted} of 2000`,
    );
  });
});

describe('parseThrottleRules', () => {
  it('parses valid JSON rules', () => {
    const rules = parseThrottleRules(
      '[{"name":"a","when":[{"annotation":"X","present":true}],"result":"accept"}]',
    );
    assert.equal(rules.length, 1);
  });

  it('lists every problem of invalid rules', () => {
    assert.throws(
      () =>
        parseThrottleRules(
          JSON.stringify([
            { name: 'bad name', result: 'accept' },
            {
              name: 'two_tests',
              when: [{ annotation: 'A', equals: 'x', present: true }],
              result: 'accept',
            },
            {
              name: 'bad_regex',
              when: [{ annotation: 'A', matches: '(' }],
              result: 'accept',
            },
            { name: 'bad_share', result: { samplePercent: 140 } },
            {
              name: 'empty_path',
              when: [{ annotation: 'A', path: [], present: true }],
              result: 'accept',
            },
          ]),
        ),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.problems.length, 5, err.message);
        return true;
      },
    );
  });

  it('refuses text that is not JSON', () => {
    assert.throws(() => parseThrottleRules('not json'), ConfigError);
  });
});

describe("the documentation's example of Mozilla's rules", () => {
  const doc = readFileSync(
    new URL('../../docs/throttling.md', import.meta.url),
    'utf8',
  );
  const example = /## Example: Mozilla's rule set[^]*?```json\n([^]*?)```/.exec(
    doc,
  );
  assert.ok(example, 'docs/throttling.md has the example');
  const rules = parseThrottleRules(example[1] as string);
  const decide = (crash: Record<string, unknown>, roll = 50) =>
    throttle(rules, () => roll)(crash);
  const firefox = {
    ProductName: 'Firefox',
    Version: '145.0',
    BuildID: '20261120093000',
  };
  const windows = (build: number) =>
    JSON.stringify({
      system: { os: { name: 'Windows_NT', windowsBuildNumber: build } },
    });

  it('parses and decides as Mozilla documents its rules', () => {
    const cases: [Record<string, unknown>, number, string, string][] = [
      [
        { ...firefox, BuildID: '20211120093000' },
        50,
        'reject',
        'has_old_buildid',
      ],
      [{ ...firefox, HangID: 'h' }, 50, 'reject', 'has_hangid_and_browser'],
      [
        {
          ...firefox,
          SubmittedFromInfobar: 'true',
          Version: '57.0',
          BuildID: '20171201000000',
        },
        50,
        'reject',
        // It is older than two years as well, and that rule comes first.
        'has_old_buildid',
      ],
      [{ ProductName: 'Other' }, 50, 'reject', 'unsupported_product'],
      [
        { ProductName: 'Fenix', Android_PackageName: 'com.example.fork' },
        50,
        'reject',
        'unsupported_packagename',
      ],
      [{ ProductName: 'Focus' }, 50, 'reject', 'unsupported_packagename'],
      [
        {
          ProductName: 'Fenix',
          Android_PackageName: 'org.mozilla.fenix',
          ReleaseChannel: 'nightly',
        },
        50,
        'accept',
        'is_nightly',
      ],
      [{ ...firefox, Throttleable: '0' }, 50, 'accept', 'throttleable_0'],
      [
        {
          ...firefox,
          ReleaseChannel: 'esr',
          TelemetryEnvironment: windows(9600),
        },
        50,
        'reject',
        'is_firefox_esr_unsupported_windows',
      ],
      [
        {
          ...firefox,
          ReleaseChannel: 'esr',
          TelemetryEnvironment: windows(9600),
        },
        20,
        'accept',
        'is_alpha_beta_esr',
      ],
      [
        {
          ...firefox,
          ReleaseChannel: 'esr',
          TelemetryEnvironment: windows(22631),
        },
        50,
        'accept',
        'is_alpha_beta_esr',
      ],
      [
        { ...firefox, ReleaseChannel: 'release' },
        5,
        'accept',
        'is_firefox_desktop',
      ],
      [
        { ...firefox, ReleaseChannel: 'release' },
        50,
        'reject',
        'is_firefox_desktop',
      ],
      [
        { ProductName: 'Thunderbird', ReleaseChannel: 'release' },
        50,
        'accept',
        'accept_everything',
      ],
    ];
    for (const [crash, roll, result, rule] of cases) {
      assert.deepEqual(
        decide(crash, roll),
        { result, rule },
        JSON.stringify(crash),
      );
    }
  });

  it('rejects infobar crashes of Firefox 52 to 59 built before 2017-12-26', () => {
    // With the build-age rule out of the way, as on the day the rule was
    // written.
    const infobar = throttle(
      rules.filter((r) => r.name !== 'has_old_buildid'),
      () => 50,
    );
    const crash = {
      ...firefox,
      SubmittedFromInfobar: 'true',
      Version: '57.0',
      BuildID: '20171201000000',
      ReleaseChannel: 'release',
    };
    assert.equal(infobar(crash).rule, 'infobar_is_true');
    assert.equal(
      infobar({ ...crash, BuildID: '20171226000000' }).rule,
      'is_firefox_desktop',
    );
    assert.equal(
      infobar({ ...crash, Version: '60.0' }).rule,
      'is_firefox_desktop',
    );
  });
});

describe('isBuildIdOlderThan', () => {
  it('measures age in days', () => {
    assert.equal(isBuildIdOlderThan('20261201120000', 1, NOW), true);
    assert.equal(isBuildIdOlderThan('20261203000000', 1, NOW), false);
    assert.equal(isBuildIdOlderThan(undefined, 1, NOW), false);
  });
});
