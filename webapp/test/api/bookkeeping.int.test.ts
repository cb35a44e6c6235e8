import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Collections, createCrashId } from '@crashstats/common';
import {
  MISSING_PAGE_SIZE,
  type MissingProcessedCrashDocument,
} from '../../src/api/endpoints/bookkeeping.js';
import { startWebappHarness, type WebappHarness } from '../support/harness.js';

interface MissingPage {
  count: number;
  next: string | null;
  previous: string | null;
  results: { crash_id: string; is_processed: boolean; created: string }[];
}

describe('MissingProcessedCrash and NoOp', { timeout: 60_000 }, () => {
  let h: WebappHarness;

  before(async () => {
    h = await startWebappHarness({
      WEBAPP_RATE_LIMIT_ANONYMOUS: '0',
    });
  });
  after(async () => {
    await h[Symbol.asyncDispose]();
  });

  it('answers an empty list while nothing is missing', async () => {
    const answer = await h.call('/api/MissingProcessedCrash/');
    assert.equal(answer.status, 200, answer.text);
    assert.deepEqual(answer.json, {
      count: 0,
      next: null,
      previous: null,
      results: [],
    });
  });

  it('pages the records, oldest find first, with links both ways', async () => {
    const start = Date.UTC(2026, 11, 1);
    const docs: MissingProcessedCrashDocument[] = Array.from(
      { length: MISSING_PAGE_SIZE + 5 },
      (_, i) => ({
        _id: createCrashId(new Date(start)),
        is_processed: i % 2 === 0,
        created: new Date(start + i * 1000),
      }),
    );
    // Stored out of order, so the order of the answer is the endpoint's.
    await h.db
      .collection<MissingProcessedCrashDocument>(
        Collections.missingProcessedCrashes,
      )
      .insertMany([...docs].reverse());

    const first = await h.call('/api/MissingProcessedCrash/');
    assert.equal(first.status, 200, first.text);
    const page1 = first.json as MissingPage;
    assert.equal(page1.count, MISSING_PAGE_SIZE + 5);
    assert.equal(page1.previous, null);
    assert.equal(page1.next, `${h.url}/api/MissingProcessedCrash/?page=2`);
    assert.equal(page1.results.length, MISSING_PAGE_SIZE);
    assert.deepEqual(page1.results[0], {
      crash_id: docs[0]?._id,
      is_processed: true,
      created: '2026-12-01T00:00:00+00:00',
    });

    const second = await h.call('/api/MissingProcessedCrash/?page=2');
    const page2 = second.json as MissingPage;
    assert.equal(page2.next, null);
    assert.equal(page2.previous, `${h.url}/api/MissingProcessedCrash/?page=1`);
    assert.deepEqual(
      page2.results.map((r) => r.crash_id),
      docs.slice(MISSING_PAGE_SIZE).map((d) => d._id),
    );
    // Past the last page: the last page, as Socorro's paginator does.
    const past = (await h.call('/api/MissingProcessedCrash/?page=9'))
      .json as MissingPage;
    assert.deepEqual(past.results, page2.results);
    assert.equal(past.previous, `${h.url}/api/MissingProcessedCrash/?page=1`);
  });

  it('refuses a page that is not a whole number from 1', async () => {
    for (const page of ['0', 'two', '-1', '1.5']) {
      const answer = await h.call(`/api/MissingProcessedCrash/?page=${page}`);
      assert.equal(answer.status, 400, page);
      assert.deepEqual(answer.json, { error: 'invalid page number' });
    }
  });

  it('NoOp answers nothing, and an error for the product bad', async () => {
    const ok = await h.call('/api/NoOp/?product=Firefox');
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json, { hits: [], total: 0 });
    const bad = await h.call('/api/NoOp/?product=bad');
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.json, { error: 'Bad request: Bad product' });
    const none = await h.call('/api/NoOp/');
    assert.equal(none.status, 400);
    assert.deepEqual(none.json, {
      errors: { product: ['This field is required.'] },
    });
  });
});
