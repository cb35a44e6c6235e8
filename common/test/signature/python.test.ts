import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  codePointLength,
  codePointPrefix,
  compareCodePoints,
  isTruthy,
  pyInt,
  pyStr,
  pyStrip,
  splitLines,
} from '../../src/signature/python.js';

describe('Python string helpers', () => {
  it('strip Python whitespace (not the BOM)', () => {
    assert.equal(pyStrip('\x1c\u3000 a b \t\x85'), 'a b');
    assert.equal(pyStrip('\ufeffa'), '\ufeffa');
  });

  it('split lines on every Python line boundary', () => {
    assert.deepEqual(splitLines('a\r\nb\rc\u2028d\x85e\n'), [
      'a',
      'b',
      'c',
      'd',
      'e',
    ]);
    assert.deepEqual(splitLines('a\n\n'), ['a', '']);
    assert.deepEqual(splitLines(''), []);
  });

  it('format values like f-strings', () => {
    assert.equal(pyStr(null), 'None');
    assert.equal(pyStr(true), 'True');
    assert.equal(pyStr(12), '12');
    assert.equal(pyStr('x'), 'x');
  });

  it('apply Python truthiness', () => {
    for (const value of [null, undefined, '', 0, false, [], {}]) {
      assert.equal(isTruthy(value), false);
    }
    for (const value of ['0', 1, [0], { a: 1 }, true]) {
      assert.equal(isTruthy(value), true);
    }
  });

  it('convert like int()', () => {
    assert.equal(pyInt(3.9), 3);
    assert.equal(pyInt(' 1_000 '), 1000);
    assert.equal(pyInt('-7'), -7);
    assert.throws(
      () => pyInt('abc'),
      /invalid literal for int\(\) with base 10: 'abc'/,
    );
    assert.throws(() => pyInt(null), /not 'NoneType'/);
    assert.throws(() => pyInt(Number.NaN), /cannot convert/);
  });

  it('count and cut by code point, sort by code point', () => {
    assert.equal(codePointLength('a😀b'), 3);
    assert.equal(codePointPrefix('😀😀😀', 2), '😀😀');
    assert.deepEqual(['\uffff', '😀', 'a'].sort(compareCodePoints), [
      'a',
      '\uffff',
      '😀',
    ]);
  });
});
