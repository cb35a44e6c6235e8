/**
 * Mutated submissions against a running collector: whatever a body holds
 * (cut short, bytes overwritten or inserted, boundaries broken, gzipped or
 * not), the answer is a 200 with a crash id or a refusal the protocol
 * defines, never a 5xx, and the collector stays up. Only accepted crashes
 * leave a raw crash behind, and refused ones leave no dump. Seeded, so a
 * failing case replays: CRASHSTATS_COLLECTOR_FUZZ_SEED and _CASES change
 * the run.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import {
  dumpPart,
  multipart,
  post,
  startHarness,
  type Harness,
} from './support/harness.js';

const CASES = Number(process.env.CRASHSTATS_COLLECTOR_FUZZ_CASES ?? 300);
const SEED = Number(process.env.CRASHSTATS_COLLECTOR_FUZZ_SEED ?? 20261204);

/** mulberry32: small, fast and good enough to pick mutations. */
function generator(seed: number): (n: number) => number {
  let state = seed >>> 0;
  return (n) => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n);
  };
}

const SNIPPETS = [
  '\r\n',
  '--',
  '"',
  ';',
  'Content-Type: application/json\r\n',
  'Content-Disposition: form-data; name="x"\r\n',
  '; filename="f.dmp"',
  '\u00ff\u0000',
  '{',
];

function mutate(body: Buffer, pick: (n: number) => number): Buffer {
  const at = pick(body.length);
  switch (pick(5)) {
    case 0: {
      const out = Buffer.from(body);
      for (let i = 0, n = 1 + pick(8); i < n; i++) {
        out[pick(out.length)] = pick(256);
      }
      return out;
    }
    case 1:
      return body.subarray(0, at);
    case 2:
      return Buffer.concat([
        body.subarray(0, at),
        Buffer.from(SNIPPETS[pick(SNIPPETS.length)] as string, 'latin1'),
        body.subarray(at),
      ]);
    case 3:
      return Buffer.concat([
        body.subarray(0, at),
        body.subarray(at + 1 + pick(60)),
      ]);
    default:
      return Buffer.concat([body.subarray(0, at), body, body.subarray(at)]);
  }
}

const ANSWER = /^(CrashID=bp-[0-9a-f-]{36}\n|Discarded=[a-z_]+)$/;

describe('mutated submissions', { timeout: 180_000 }, () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h[Symbol.asyncDispose]();
  });

  it(`answers ${CASES} mutated bodies with 200 or a refusal, never a 5xx (seed ${SEED})`, async () => {
    const pick = generator(SEED);
    const [crashes, files] = [
      await h.countRawCrashes(),
      await h.countDumpFiles(),
    ];
    let accepted = 0;
    let acceptedDumps = 0;
    const statuses = new Map<number, number>();
    for (let i = 0; i < CASES; i++) {
      const form = multipart([
        { name: 'ProductName', value: 'Fuzz' },
        {
          name: 'extra',
          value: '{"Version":"1.0","Nested":{"a.b":[1,2]}}',
          contentType: 'application/json',
        },
        dumpPart('upload_file_minidump', Buffer.alloc(300, i % 251)),
        { name: 'Comments', value: 'after the dump' },
      ]);
      let body = mutate(form.body, pick);
      const headers: Record<string, string> = {
        'Content-Type': form.contentType,
      };
      if (pick(4) === 0) {
        body = gzipSync(body);
        if (pick(3) === 0) {
          body = mutate(body, pick);
        }
        headers['Content-Encoding'] = 'gzip';
      }
      const reply = await post(h.url, body, headers);
      const where = `case ${i} (seed ${SEED}): ${reply.status} ${reply.body}`;
      assert.ok([200, 400, 413].includes(reply.status), where);
      assert.match(reply.body, ANSWER, where);
      statuses.set(reply.status, (statuses.get(reply.status) ?? 0) + 1);
      if (reply.body.startsWith('CrashID=')) {
        accepted += 1;
        const raw = await h.rawCrash(reply.body.slice(11).trim());
        assert.ok(raw, where);
        acceptedDumps += raw.dumps.length;
      }
    }
    assert.equal(await h.countRawCrashes(), crashes + accepted);
    assert.equal(await h.countDumpFiles(), files + acceptedDumps);
    // Both outcomes happen, so the mutations neither break everything nor
    // leave every body intact.
    assert.ok(accepted > 0 && accepted < CASES, JSON.stringify([...statuses]));
    const heartbeat = await fetch(`${h.url}/__lbheartbeat__`);
    assert.equal(heartbeat.status, 200);
  });
});
