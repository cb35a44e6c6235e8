import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startWebappHarness, type WebappHarness } from '../support/harness.js';

describe('the API while MongoDB is down', { timeout: 60_000 }, () => {
  let h: WebappHarness;

  before(async () => {
    h = await startWebappHarness({ MONGODB_TIMEOUT_MS: '1000' });
  });
  after(async () => {
    await h[Symbol.asyncDispose]();
  });

  it('answers 503 with Retry-After, and the heartbeat says so', async (t) => {
    if (h.services.mongo.external) {
      t.skip(
        'MONGODB_URL points at an external server that this test cannot stop',
      );
      return;
    }
    await h.services.mongo.stop();
    try {
      const res = await h.call('/api/SuperSearch/?_facets=signature');
      assert.equal(res.status, 503, res.text);
      assert.equal(res.headers.get('retry-after'), '30');
      assert.deepEqual(res.json, {
        error: 'The crash store is unavailable or too slow; try again later',
      });
      const heartbeat = await h.call('/__heartbeat__');
      assert.equal(heartbeat.status, 503);
      assert.match(heartbeat.text, /storage/);
    } finally {
      await h.services.mongo.start();
    }
    const again = await h.call('/api/SuperSearch/?_facets=signature');
    assert.equal(again.status, 200, again.text);
  });
});
