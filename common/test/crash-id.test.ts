import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  createCrashId,
  crashIdDate,
  crashIdDateKey,
  isValidCrashId,
  stripCrashIdPrefix,
  ThrottleDigit,
} from '@crashstats/common';

const FIXED_UUID = () => 'DE1BB258-CBBF-4589-A673-34F8AB123456';

describe('createCrashId', () => {
  it('replaces the last seven characters with throttle digit and yymmdd', () => {
    const id = createCrashId(
      new Date('2016-09-18T23:59:59Z'),
      ThrottleDigit.accept,
      FIXED_UUID,
    );
    assert.equal(id, 'de1bb258-cbbf-4589-a673-34f8a0160918');
  });

  it('uses the UTC date, not the local one', () => {
    const id = createCrashId(new Date('2026-12-31T23:30:00-05:00'));
    assert.equal(id.slice(-6), '270101');
  });

  it('writes the defer digit when asked', () => {
    const id = createCrashId(
      new Date('2026-01-02T00:00:00Z'),
      ThrottleDigit.defer,
    );
    assert.equal(id.slice(-7), '1260102');
  });

  it('creates ids that validate strictly and differ from each other', () => {
    const a = createCrashId(new Date());
    const b = createCrashId(new Date());
    assert.ok(isValidCrashId(a, true));
    assert.notEqual(a, b);
  });
});

describe('isValidCrashId', () => {
  it('accepts the Socorro shape', () => {
    assert.ok(isValidCrashId('de1bb258-cbbf-4589-a673-34f800160918'));
  });

  for (const bad of [
    '',
    'DE1BB258-CBBF-4589-A673-34F800160918',
    'de1bb258-cbbf-4589-a673-34f80016091',
    'de1bb258-cbbf-4589-a673-34f8001609189',
    'de1bb258-cbbf-4589-a673-34f8001609a8',
    'bp-de1bb258-cbbf-4589-a673-34f800160918',
    'de1bb258cbbf4589a67334f800160918',
  ]) {
    it(`rejects ${JSON.stringify(bad)}`, () => {
      assert.equal(isValidCrashId(bad), false);
    });
  }

  it('in strict mode requires throttle digit 0 or 1', () => {
    const id = 'de1bb258-cbbf-4589-a673-34f803160918';
    assert.ok(isValidCrashId(id));
    assert.equal(isValidCrashId(id, true), false);
  });

  it('in strict mode requires a real date', () => {
    assert.equal(
      isValidCrashId('de1bb258-cbbf-4589-a673-34f800161332', true),
      false,
    );
  });
});

describe('crash id dates', () => {
  it('extracts the collection date', () => {
    const id = 'de1bb258-cbbf-4589-a673-34f800160918';
    assert.deepEqual(crashIdDate(id), new Date('2016-09-18T00:00:00Z'));
    assert.equal(crashIdDateKey(id), '20160918');
  });

  it('returns undefined for an impossible date', () => {
    assert.equal(
      crashIdDate('de1bb258-cbbf-4589-a673-34f800160231'),
      undefined,
    );
  });

  it('strips the bp- prefix', () => {
    assert.equal(stripCrashIdPrefix('bp-abc'), 'abc');
    assert.equal(stripCrashIdPrefix('abc'), 'abc');
  });
});
