import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MongoServerError, type Collection } from 'mongodb';
import { ApiError } from '../../src/api/errors.js';
import {
  MAX_QUERIES_PER_SEARCH,
  queryError,
  SearchRunner,
} from '../../src/search/runner.js';
import { assertBadRequest } from './support/errors.js';

const TIMED_OUT =
  'Search query timed out. Simplify the search pattern and try again.';

function serverError(code: number, message: string): MongoServerError {
  return new MongoServerError({ code, errmsg: message, ok: 0 });
}

/** A collection whose countDocuments records the time limit it got. */
function fakeCollection(limits: number[]): Collection {
  return {
    countDocuments(_filter: unknown, options: { maxTimeMS: number }) {
      limits.push(options.maxTimeMS);
      return Promise.resolve(3);
    },
  } as unknown as Collection;
}

describe('queryError', () => {
  it('turns a time-out into a 400', () => {
    const error = queryError(serverError(50, 'operation exceeded time limit'));
    assert.ok(error instanceof ApiError);
    assert.equal(error.status, 400);
    assert.deepEqual(error.body, { error: `Bad request: ${TIMED_OUT}` });
  });

  it('turns a regular expression the server refuses into a 400', () => {
    const error = queryError(serverError(51091, 'missing )'));
    assert.ok(error instanceof ApiError);
    assert.deepEqual(error.body, {
      error: 'Bad request: Invalid regular expression: missing )',
    });
  });

  it('leaves other errors alone', () => {
    const server = serverError(11600, 'interrupted at shutdown');
    assert.equal(queryError(server), server);
    const plain = new Error('socket closed');
    assert.equal(queryError(plain), plain);
  });
});

describe('SearchRunner', () => {
  it('gives each operation the time left', async () => {
    const limits: number[] = [];
    let now = 1000;
    const runner = new SearchRunner(fakeCollection(limits), 500, () => now);
    assert.equal(await runner.count({}), 3);
    now += 200;
    await runner.count({});
    assert.deepEqual(limits, [500, 300]);
  });

  it('answers the time-out when no time is left', async () => {
    const limits: number[] = [];
    let now = 0;
    const runner = new SearchRunner(fakeCollection(limits), 100, () => now);
    now = 100;
    await assert.rejects(runner.count({}), (error: unknown) => {
      assert.ok(error instanceof ApiError);
      assert.deepEqual(error.body, { error: `Bad request: ${TIMED_OUT}` });
      return true;
    });
    assert.deepEqual(limits, []);
  });

  it('caps the queries of one search', () => {
    const runner = new SearchRunner(fakeCollection([]), 100);
    runner.reserve(MAX_QUERIES_PER_SEARCH - 1);
    runner.reserve(1);
    assertBadRequest(
      () => runner.reserve(1),
      `The aggregations need more than ${MAX_QUERIES_PER_SEARCH} database queries: ` +
        'narrow the date range, use a larger histogram interval or fewer nested histograms',
    );
  });
});
