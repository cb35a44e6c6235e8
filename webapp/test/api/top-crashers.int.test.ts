import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Collections } from '@crashstats/common';
import { startWebappHarness, type WebappHarness } from '../support/harness.js';

const DAY = 86_400_000;

interface Row {
  rank: number;
  signature: string;
  percent_of_total: number;
  previous_rank: number | null;
  rank_change: number | 'new';
  count: number;
  platforms: Record<string, number>;
  installs: number;
  first_seen: string | null;
  bug_ids: number[];
}

describe('Top Crashers and product versions', { timeout: 60_000 }, () => {
  let h: WebappHarness;

  before(async () => {
    h = await startWebappHarness();
    const now = Date.now();
    let n = 0;
    const add = async (
      signature: string,
      daysAgo: number,
      extra: Record<string, unknown> = {},
    ) => {
      n += 1;
      const uuid = await h.storeRawCrash({ ProductName: 'Firefox' });
      await h.storeProcessed({
        uuid,
        signature,
        product: 'Firefox',
        version: '128.0',
        release_channel: 'release',
        os_name: 'Windows NT',
        install_time: 1000 + n,
        date_processed: new Date(now - daysAgo * DAY - 60_000),
        ...extra,
      });
    };
    // This week: A ×5 (3 Windows, 2 Linux; 2 installs), B ×3, C ×1.
    for (let i = 0; i < 3; i++) {
      await add('A', 1, { install_time: 7 });
    }
    await add('A', 2, { os_name: 'Linux', install_time: 8 });
    await add('A', 2, { os_name: 'Linux', install_time: 8 });
    await add('B', 3);
    await add('B', 3);
    await add('B', 4, { version: '127.0', release_channel: 'esr' });
    await add('C', 5, { process_type: 'gpu' });
    // The week before: B ×4, A ×2, D ×1.
    for (let i = 0; i < 4; i++) {
      await add('B', 9);
    }
    await add('A', 10);
    await add('A', 10);
    await add('D', 11);
    // Another product does not count.
    const other = await h.storeRawCrash({ ProductName: 'Thunderbird' });
    await h.storeProcessed({
      uuid: other,
      signature: 'A',
      product: 'Thunderbird',
      version: '1.0',
      date_processed: new Date(now - DAY),
    });
    await h.db.collection(Collections.bugAssociations).insertMany([
      { _id: '7:A', bug_id: 7, signature: 'A' },
      { _id: '3:A', bug_id: 3, signature: 'A' },
    ] as never[]);
  });
  after(async () => {
    await h[Symbol.asyncDispose]();
  });

  it('ranks this week’s signatures with Socorro’s columns', async () => {
    const res = await h.call('/api/TopCrashers/?product=Firefox');
    assert.equal(res.status, 200, res.text);
    const body = res.json as { total_crashes: number; crashes: Row[] };
    assert.equal(body.total_crashes, 9);
    assert.deepEqual(
      body.crashes.map((r) => [
        r.rank,
        r.signature,
        r.count,
        r.previous_rank,
        r.rank_change,
      ]),
      [
        [1, 'A', 5, 2, 1],
        [2, 'B', 3, 1, -1],
        [3, 'C', 1, null, 'new'],
      ],
    );
    const a = body.crashes[0]!;
    assert.equal(a.percent_of_total, 55.56);
    assert.deepEqual(a.platforms, { 'Windows NT': 3, Linux: 2 });
    assert.equal(a.installs, 2);
    assert.deepEqual(a.bug_ids, [3, 7]);
    assert.match(String(a.first_seen), /^\d{4}-\d\d-\d\dT.*\+00:00$/);
  });

  it('filters by version and process type, and limits the rows', async () => {
    const v127 = await h.call(
      '/api/TopCrashers/?product=Firefox&version=127.0',
    );
    assert.deepEqual(
      (v127.json as { crashes: Row[] }).crashes.map((r) => [
        r.signature,
        r.count,
      ]),
      [['B', 1]],
    );
    const gpu = await h.call(
      '/api/TopCrashers/?product=Firefox&process_type=gpu',
    );
    assert.deepEqual(
      (gpu.json as { crashes: Row[] }).crashes.map((r) => r.signature),
      ['C'],
    );
    const one = await h.call('/api/TopCrashers/?product=Firefox&rows=1&days=3');
    const body = one.json as { total_crashes: number; crashes: Row[] };
    // Three days back holds A's five crashes; B's are older by a minute.
    assert.equal(body.total_crashes, 5);
    assert.deepEqual(
      body.crashes.map((r) => r.signature),
      ['A'],
    );
  });

  it('refuses bad parameters', async () => {
    for (const query of [
      '',
      'product=Firefox&days=0',
      'product=Firefox&days=x',
      'product=Firefox&rows=100000',
    ]) {
      const res = await h.call(`/api/TopCrashers/?${query}`);
      assert.equal(res.status, 400, query);
    }
  });

  it('lists products and versions with counts and channels', async () => {
    const res = await h.call('/api/ProductVersions/');
    assert.equal(res.status, 200, res.text);
    const hits = (res.json as { hits: Record<string, unknown>[] }).hits;
    assert.deepEqual(
      hits.map((v) => [v.product, v.version, v.crashes, v.channels]),
      [
        ['Firefox', '128.0', 15, ['release']],
        ['Firefox', '127.0', 1, ['esr']],
        ['Thunderbird', '1.0', 1, []],
      ],
    );
    const one = await h.call('/api/ProductVersions/?product=Thunderbird');
    assert.equal((one.json as { total: number }).total, 1);
  });
});
