import assert from 'node:assert/strict';
import { symbolKey, type SymbolKey } from '@crashstats/common';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  CachingSymbolSupplier,
  HttpSymbolSource,
  LocalSymbolSource,
  type SymbolEvent,
} from '../../src/symbols/index.js';
import { SymWriter, writeSymbolTree } from '../support/sym-writer.js';

const ID = '1234567890ABCDEF1234567890ABCDEF2';

function text(debugFile: string, debugId = ID): string {
  return new SymWriter({ os: 'mac', cpu: 'x86_64', debugId, debugFile })
    .func({ address: 0x10, size: 0x10, name: `${debugFile}!fn` })
    .toString();
}

const key = (debugFile: string): SymbolKey =>
  symbolKey(debugFile, ID) as SymbolKey;

describe(
  'HttpSymbolSource against a real HTTP server',
  { timeout: 30_000 },
  () => {
    let served: string;
    let server: Server;
    let base: string;
    let cacheDir: string;
    const requests: Array<{ url: string; auth: string | undefined }> = [];
    const hanging: ServerResponse[] = [];

    before(async () => {
      served = await mkdtemp(join(tmpdir(), 'sym-http-root-'));
      await writeSymbolTree(served, 'libapp.so', ID, text('libapp.so'));
      await writeSymbolTree(
        served,
        'Electron Framework',
        ID,
        text('Electron Framework'),
      );
      await writeSymbolTree(served, 'wrong.so', ID, text('wrong.so', 'FFFF'));
      server = createServer((req, res) => {
        const url = decodeURIComponent(req.url ?? '');
        requests.push({ url, auth: req.headers.authorization });
        if (url.includes('/slow.so/')) {
          hanging.push(res);
          return;
        }
        if (url.includes('/error.so/')) {
          res.writeHead(503).end('try later');
          return;
        }
        if (url.includes('/chunked.so/')) {
          res.writeHead(200);
          for (let i = 0; i < 10; i++) {
            res.write('y'.repeat(500));
          }
          res.end();
          return;
        }
        if (url.includes('/big-')) {
          res.writeHead(200).end('z'.repeat(1000));
          return;
        }
        if (url.includes('/huge.so/')) {
          res
            .writeHead(200, { 'content-length': '5000' })
            .end('x'.repeat(5000));
          return;
        }
        const path = join(served, url.replace(/^\/symbols\//, ''));
        readFile(path).then(
          (body) => res.writeHead(200).end(body),
          () => res.writeHead(404).end('not found'),
        );
      });
      await new Promise<void>((resolve) =>
        server.listen(0, '127.0.0.1', resolve),
      );
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/symbols`;
    });

    after(async () => {
      for (const res of hanging) {
        res.destroy();
      }
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await rm(served, { recursive: true, force: true });
    });

    beforeEach(async () => {
      requests.length = 0;
      cacheDir = await mkdtemp(join(tmpdir(), 'sym-http-cache-'));
    });

    it('downloads in symbol-server layout and fills the disk cache', async () => {
      const source = new HttpSymbolSource({
        baseUrl: base,
        cacheDir,
        headers: { authorization: 'Bearer t0k' },
      });
      const r = await source.fetch(key('libapp.so'));
      assert.equal(r.kind, 'found');
      assert.ok(r.kind === 'found');
      assert.equal(r.location, `${base}/libapp.so/${ID}/libapp.so.sym`);
      assert.equal(r.fromDiskCache, undefined);
      assert.equal(r.data.toString(), text('libapp.so'));
      assert.deepEqual(requests, [
        { url: `/symbols/libapp.so/${ID}/libapp.so.sym`, auth: 'Bearer t0k' },
      ]);
      const cached = join(cacheDir, 'libapp.so', ID, 'libapp.so.sym');
      assert.equal(await readFile(cached, 'utf8'), text('libapp.so'));
    });

    it('reuses the disk cache without a request, also from a new instance', async () => {
      await new HttpSymbolSource({ baseUrl: base, cacheDir }).fetch(
        key('libapp.so'),
      );
      const fresh = new HttpSymbolSource({ baseUrl: `${base}/`, cacheDir });
      const r = await fresh.fetch(key('libapp.so'));
      assert.ok(r.kind === 'found' && r.fromDiskCache === true);
      assert.equal(
        r.location,
        join(cacheDir, 'libapp.so', ID, 'libapp.so.sym'),
      );
      assert.equal(requests.length, 1);
    });

    it('still serves a download when the disk cache cannot be written', async () => {
      const events: SymbolEvent[] = [];
      const blocker = join(cacheDir, 'not-a-folder');
      await writeFile(blocker, 'x');
      const source = new HttpSymbolSource({
        baseUrl: base,
        cacheDir: blocker,
        onEvent: (e) => events.push(e),
      });
      const r = await source.fetch(key('libapp.so'));
      assert.equal(r.kind, 'found');
      assert.equal(events[0]?.type, 'source-error');
      assert.ok(
        events[0]?.type === 'source-error' &&
          events[0].message.startsWith('disk cache:'),
      );
    });

    it('encodes names with spaces', async () => {
      const source = new HttpSymbolSource({ baseUrl: base });
      const r = await source.fetch(key('Electron Framework'));
      assert.equal(r.kind, 'found');
      assert.equal(
        source.urlOf(key('Electron Framework')).pathname,
        `/symbols/Electron%20Framework/${ID}/Electron%20Framework.sym`,
      );
    });

    it('remembers a 404 for the miss TTL, then asks again', async () => {
      let now = 1_000_000;
      const events: SymbolEvent[] = [];
      const source = new HttpSymbolSource({
        baseUrl: base,
        cacheDir,
        missTtlMs: 60_000,
        now: () => now,
        onEvent: (e) => events.push(e),
      });
      assert.deepEqual(await source.fetch(key('absent.so')), {
        kind: 'missing',
      });
      assert.deepEqual(await source.fetch(key('absent.so')), {
        kind: 'missing',
      });
      assert.equal(requests.length, 1);
      assert.deepEqual(
        events.map((e) => e.type),
        ['miss-cache-hit'],
      );
      now += 60_001;
      assert.deepEqual(await source.fetch(key('absent.so')), {
        kind: 'missing',
      });
      assert.equal(requests.length, 2);
      const noTtl = new HttpSymbolSource({ baseUrl: base, missTtlMs: 0 });
      await noTtl.fetch(key('absent.so'));
      await noTtl.fetch(key('absent.so'));
      assert.equal(requests.length, 4);
    });

    it('times out, reports an error, and does not remember it as a miss', async () => {
      const source = new HttpSymbolSource({ baseUrl: base, timeoutMs: 200 });
      const started = Date.now();
      const r = await source.fetch(key('slow.so'));
      assert.equal(r.kind, 'error');
      assert.ok(
        r.kind === 'error' && /timed out after 200 ms/.test(r.message),
        JSON.stringify(r),
      );
      assert.ok(Date.now() - started < 5000);
      await source.fetch(key('slow.so'));
      assert.equal(requests.length, 2);
    });

    it('reports server errors and oversized files as errors', async () => {
      const source = new HttpSymbolSource({ baseUrl: base, maxBytes: 1000 });
      const failed = await source.fetch(key('error.so'));
      assert.ok(
        failed.kind === 'error' && failed.message.startsWith('HTTP 503'),
      );
      const huge = await source.fetch(key('huge.so'));
      assert.ok(huge.kind === 'error' && huge.message.includes('exceeds 1000'));
      const chunked = await source.fetch(key('chunked.so'));
      assert.ok(
        chunked.kind === 'error' && chunked.message.includes('exceeds 1000'),
        JSON.stringify(chunked),
      );
      const roomy = await new HttpSymbolSource({ baseUrl: base }).fetch(
        key('chunked.so'),
      );
      assert.ok(roomy.kind === 'found' && roomy.data.length === 5000);
      const small = await new HttpSymbolSource({
        baseUrl: base,
        maxBytes: 10,
      }).fetch(key('libapp.so'));
      assert.equal(small.kind, 'error');
    });

    it('reports an unreachable server as an error', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) =>
        closed.listen(0, '127.0.0.1', resolve),
      );
      const port = (closed.address() as AddressInfo).port;
      await new Promise((resolve) => closed.close(resolve));
      const r = await new HttpSymbolSource({
        baseUrl: `http://127.0.0.1:${port}/`,
      }).fetch(key('libapp.so'));
      assert.equal(r.kind, 'error');
    });

    it('keeps the disk cache under its bound, least recently used first', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'sym-http-bounded-'));
      // Cache hits stamp files with this clock, an hour ahead of the disk's.
      let clock = Date.now() + 3_600_000;
      const events: SymbolEvent[] = [];
      const source = new HttpSymbolSource({
        baseUrl: base,
        cacheDir: dir,
        cacheMaxBytes: 2500,
        now: () => (clock += 1000),
        onEvent: (e) => events.push(e),
      });
      const file = (name: string) => join(dir, name, ID, `${name}.sym`);
      try {
        await source.fetch(key('big-1.so'));
        await source.fetch(key('big-2.so'));
        assert.equal(events.length, 0, 'under the bound: nothing pruned');
        const hit = await source.fetch(key('big-1.so'));
        assert.ok(hit.kind === 'found' && hit.fromDiskCache === true);
        await source.fetch(key('big-3.so'));
        assert.equal(
          existsSync(file('big-2.so')),
          false,
          'the least recently used went',
        );
        assert.equal(
          existsSync(file('big-1.so')),
          true,
          'a file just read stays',
        );
        assert.equal(existsSync(file('big-3.so')), true, 'the new file stays');
        assert.deepEqual(events, [
          {
            type: 'disk-cache-pruned',
            source: source.name,
            removedFiles: 1,
            removedBytes: 1000,
          },
        ]);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('serves a supplier after a local miss, and discards a corrupt download', async () => {
      const local = await mkdtemp(join(tmpdir(), 'sym-http-local-'));
      try {
        const http = new HttpSymbolSource({ baseUrl: base, cacheDir });
        const supplier = new CachingSymbolSupplier({
          sources: [new LocalSymbolSource(local), http],
        });
        const found = await supplier.get('libapp.so', ID);
        assert.ok(found.status === 'found' && found.source === http.name);
        assert.equal(found.table.lookup(0x11)?.function.name, 'libapp.so!fn');
        const wrong = await supplier.get('wrong.so', ID);
        assert.ok(
          wrong.status === 'corrupt' &&
            wrong.reason.startsWith('debug id mismatch'),
        );
        assert.equal(
          existsSync(join(cacheDir, 'wrong.so', ID, 'wrong.so.sym')),
          false,
        );
        assert.equal(
          existsSync(join(cacheDir, 'libapp.so', ID, 'libapp.so.sym')),
          true,
        );
      } finally {
        await rm(local, { recursive: true, force: true });
      }
    });
  },
);
