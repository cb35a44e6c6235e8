import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  parseBoolean,
  parseIsoDate,
  parseNumber,
} from '../../src/search/values.js';

describe('parseNumber', () => {
  it('reads decimal numbers', () => {
    assert.equal(parseNumber('42', false), 42);
    assert.equal(parseNumber(' -1.5 ', false), -1.5);
    assert.equal(parseNumber('.5', false), 0.5);
    assert.equal(parseNumber('1e3', false), 1000);
  });

  it('reads only whole numbers for integer fields', () => {
    assert.equal(parseNumber('42', true), 42);
    assert.equal(parseNumber('+7', true), 7);
    assert.equal(parseNumber('1.5', true), undefined);
    assert.equal(parseNumber('1e3', true), undefined);
  });

  it('refuses what is not a number', () => {
    for (const text of ['', 'abc', '0x10', '1,5', 'Infinity', 'NaN', '1e999']) {
      assert.equal(parseNumber(text, false), undefined, text);
    }
  });
});

describe('parseBoolean', () => {
  it("reads Socorro's spellings", () => {
    for (const text of ['true', 'T', 'yes', 'Y', '1']) {
      assert.equal(parseBoolean(text), true, text);
    }
    for (const text of ['false', 'F', 'no', 'n', '0']) {
      assert.equal(parseBoolean(text), false, text);
    }
  });

  it('refuses anything else', () => {
    assert.equal(parseBoolean('maybe'), undefined);
    assert.equal(parseBoolean(''), undefined);
  });
});

describe('parseIsoDate', () => {
  const iso = (text: string) => parseIsoDate(text)?.toISOString();

  it('reads dates and date-times, UTC by default', () => {
    assert.equal(iso('2026-12-01'), '2026-12-01T00:00:00.000Z');
    assert.equal(iso('2026-12-01T10:30'), '2026-12-01T10:30:00.000Z');
    assert.equal(iso('2026-12-01 10:30:15'), '2026-12-01T10:30:15.000Z');
    assert.equal(iso('2026-12-01T10:30:15.123456'), '2026-12-01T10:30:15.123Z');
    assert.equal(iso('2026-12-01T10:30:15.5Z'), '2026-12-01T10:30:15.500Z');
  });

  it('reads years before 100 as written', () => {
    assert.equal(iso('0001-01-01'), '0001-01-01T00:00:00.000Z');
    assert.equal(iso('0099-12-31T23:59'), '0099-12-31T23:59:00.000Z');
  });

  it('applies zone offsets', () => {
    assert.equal(iso('2026-12-01T10:00:00+02:00'), '2026-12-01T08:00:00.000Z');
    assert.equal(iso('2026-12-01T10:00:00-0530'), '2026-12-01T15:30:00.000Z');
    assert.equal(iso('2026-12-01T10:00:00+01'), '2026-12-01T09:00:00.000Z');
    assert.equal(iso('2026-12-01T10:00:00+00:00'), '2026-12-01T10:00:00.000Z');
  });

  it('refuses malformed and impossible dates', () => {
    for (const text of [
      '',
      'yesterday',
      '2026-13-01',
      '2026-02-30',
      '2026-12-01T24:00',
      '2026-12-01T10:61',
      '26-12-01',
      '2026/12/01',
      '1700000000',
    ]) {
      assert.equal(parseIsoDate(text), undefined, text);
    }
  });
});
