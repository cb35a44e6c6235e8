import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRangeOperator, splitOperator } from '../../src/search/operators.js';

describe('splitOperator', () => {
  it('reads each string operator', () => {
    for (const op of ['=', '~', '^', '$', '@']) {
      assert.deepEqual(splitOperator(`${op}abc`, 'string'), {
        negated: false,
        operator: op,
        operand: 'abc',
      });
    }
    assert.deepEqual(splitOperator('abc', 'string'), {
      negated: false,
      operator: '',
      operand: 'abc',
    });
  });

  it('tries longer range operators first', () => {
    assert.deepEqual(splitOperator('>=5', 'number'), {
      negated: false,
      operator: '>=',
      operand: '5',
    });
    assert.deepEqual(splitOperator('<=5', 'date'), {
      negated: false,
      operator: '<=',
      operand: '5',
    });
    assert.equal(splitOperator('>5', 'number').operator, '>');
    assert.equal(splitOperator('<5', 'number').operator, '<');
  });

  it('negates any operator with !', () => {
    assert.deepEqual(splitOperator('!~foo', 'string'), {
      negated: true,
      operator: '~',
      operand: 'foo',
    });
    assert.deepEqual(splitOperator('!Firefox', 'string'), {
      negated: true,
      operator: '',
      operand: 'Firefox',
    });
    assert.deepEqual(splitOperator('!__null__', 'string'), {
      negated: true,
      operator: '__null__',
      operand: '',
    });
    assert.equal(splitOperator('!>3', 'number').operator, '>');
  });

  it('takes only the operators of the query type', () => {
    assert.equal(splitOperator('>5', 'string').operator, '');
    assert.equal(splitOperator('>5', 'string').operand, '>5');
    assert.equal(splitOperator('~5', 'number').operator, '');
    assert.equal(splitOperator('__true__', 'string').operator, '');
    assert.equal(splitOperator('__true__', 'bool').operator, '__true__');
    assert.equal(splitOperator('__null__', 'bool').operator, '__null__');
  });

  it('reads the flags only as whole values', () => {
    assert.deepEqual(splitOperator('__null__x', 'string'), {
      negated: false,
      operator: '',
      operand: '__null__x',
    });
  });
});

describe('isRangeOperator', () => {
  it('knows the four range operators', () => {
    assert.deepEqual(
      ['>', '>=', '<', '<=', '=', '~', ''].map((op) =>
        isRangeOperator(op as never),
      ),
      [true, true, true, true, false, false, false],
    );
  });
});
