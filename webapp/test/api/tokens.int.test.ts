import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startWebappHarness, type WebappHarness } from '../support/harness.js';

const ADMIN_SECRET = 'c0ffee'.repeat(5) + 'ab';

describe('the administrators’ token endpoint', { timeout: 60_000 }, () => {
  let h: WebappHarness;

  before(async () => {
    h = await startWebappHarness({
      WEBAPP_ADMIN_USER: 'root',
      WEBAPP_ADMIN_TOKEN_SECRET: ADMIN_SECRET,
    });
    await h.access.upsertUser('analyst', {
      permissions: ['view_pii', 'reprocess_crashes'],
    });
  });
  after(async () => {
    await h[Symbol.asyncDispose]();
  });

  it('lets the configured administrator create a token for a user', async () => {
    const res = await h.call('/api/tokens/', {
      token: ADMIN_SECRET,
      form: {
        user: 'analyst',
        permissions: ['view_pii'],
        days: '7',
        notes: 'dashboards',
      },
    });
    assert.equal(res.status, 201, res.text);
    const created = res.json as {
      id: string;
      token: string;
      permissions: string[];
      expires: string;
      user: string;
    };
    assert.match(created.token, /^[0-9a-f]{32}$/);
    assert.deepEqual(created.permissions, ['view_pii']);
    assert.equal(created.user, 'analyst');
    const days = (Date.parse(created.expires) - Date.now()) / 86_400_000;
    assert.ok(days > 6.9 && days <= 7, `expires in ${days} days`);
    // The new token authenticates and carries view_pii only.
    const reprocess = await h.call('/api/Reprocessing/', {
      token: created.token,
      form: { crash_ids: '6a1f0a7e-0c3b-4bd2-9d8e-0f5e20261203' },
    });
    assert.equal(reprocess.status, 403);
    const listed = await h.call('/api/tokens/?user=analyst', {
      token: ADMIN_SECRET,
    });
    assert.equal(listed.status, 200);
    const hits = (listed.json as { hits: Record<string, unknown>[] }).hits;
    assert.deepEqual(
      hits.map((t) => [t.id, t.user, t.notes]),
      [[created.id, 'analyst', 'dashboards']],
    );
    assert.equal(
      listed.text.includes(created.token),
      false,
      'secrets are never listed',
    );
  });

  it('refuses permissions the owner does not hold, and unknown users', async () => {
    const more = await h.call('/api/tokens/', {
      token: ADMIN_SECRET,
      form: { user: 'analyst', permissions: ['view_rawdump'] },
    });
    assert.equal(more.status, 400);
    const nobody = await h.call('/api/tokens/', {
      token: ADMIN_SECRET,
      form: { user: 'nobody' },
    });
    assert.equal(nobody.status, 400);
    const badDays = await h.call('/api/tokens/', {
      token: ADMIN_SECRET,
      form: { user: 'analyst', days: '-1' },
    });
    assert.equal(badDays.status, 400);
  });

  it('is for administrators only', async () => {
    const analyst = (
      await h.access.createToken({ user: 'analyst', permissions: ['view_pii'] })
    ).token;
    for (const token of [undefined, analyst]) {
      const res = await h.call(
        '/api/tokens/',
        token === undefined ? {} : { token },
      );
      assert.equal(res.status, 403);
      assert.deepEqual(res.json, {
        error: 'Use of this endpoint requires an administrator token',
      });
    }
    const wrong = await h.call('/api/tokens/', { token: '0'.repeat(32) });
    assert.deepEqual(wrong.json, { error: 'API Token not matched' });
  });
});
