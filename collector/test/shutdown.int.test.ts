import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  dumpPart,
  multipart,
  startHarness,
  type Harness,
} from './support/harness.js';

describe('graceful shutdown', { timeout: 60_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h[Symbol.asyncDispose]();
  });

  it('stops accepting, finishes the upload in flight, then closes', async () => {
    const form = multipart([
      { name: 'ProductName', value: 'Slow' },
      dumpPart('upload_file_minidump', randomBytes(2_000_000)),
    ]);
    const url = h.url;
    const half = form.body.length / 2;
    let replied = false;
    const reply = new Promise<{ status: number; body: string }>(
      (resolve, reject) => {
        const req = request(
          `${url}/submit`,
          {
            method: 'POST',
            headers: {
              'Content-Type': form.contentType,
              'Content-Length': String(form.body.length),
            },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => {
              replied = true;
              resolve({
                status: res.statusCode ?? 0,
                body: Buffer.concat(chunks).toString(),
              });
            });
          },
        );
        req.on('error', reject);
        req.write(form.body.subarray(0, half));
        // The second half arrives after shutdown has begun.
        void sleep(700).then(() => req.end(form.body.subarray(half)));
      },
    );

    await sleep(300);
    let closed = false;
    const closing = h.collector.close().then(() => {
      closed = true;
    });
    await sleep(100);
    await assert.rejects(
      fetch(`${url}/__lbheartbeat__`),
      'new connections are refused',
    );
    assert.equal(closed, false, 'shutdown waits for the upload in flight');

    const { status, body } = await reply;
    assert.equal(status, 200);
    const crashId = /^CrashID=bp-(.+)\n$/.exec(body)?.[1];
    assert.ok(crashId, body);
    await closing;
    assert.ok(replied);
    const doc = await h.rawCrash(crashId);
    assert.equal(
      doc?.queued,
      true,
      'the in-flight crash was stored and queued before NATS closed',
    );
  });
});
