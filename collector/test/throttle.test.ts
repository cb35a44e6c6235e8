import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError } from '@crashstats/common';
import {
  createThrottler,
  isBuildIdOlderThan,
  NO_MATCH,
  parseThrottleRules,
  type ThrottleRule,
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
          ]),
        ),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.problems.length, 4, err.message);
        return true;
      },
    );
  });

  it('refuses text that is not JSON', () => {
    assert.throws(() => parseThrottleRules('not json'), ConfigError);
  });
});

describe('isBuildIdOlderThan', () => {
  it('measures age in days', () => {
    assert.equal(isBuildIdOlderThan('20261201120000', 1, NOW), true);
    assert.equal(isBuildIdOlderThan('20261203000000', 1, NOW), false);
    assert.equal(isBuildIdOlderThan(undefined, 1, NOW), false);
  });
});
