import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { after, before, describe, it } from 'node:test';
import yazl from 'yazl';
import { GridFsSymbolStore } from '@crashstats/common';
import { ZIP_SPOOL_PREFIX } from '../../src/api/endpoints/symbols.js';
import { startWebappHarness, type WebappHarness } from '../support/harness.js';

const ID_A = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA1';
const ID_B = 'BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB2';

const sym = (debugFile: string, id: string, extra = '') =>
  Buffer.from(
    `MODULE windows x86_64 ${id} ${debugFile}\nFUNC 1000 20 0 main\n${extra}`,
  );

function zipOf(entries: Record<string, Buffer>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  for (const [name, data] of Object.entries(entries)) {
    zip.addBuffer(data, name);
  }
  zip.end();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    zip.outputStream.on('data', (c: Buffer) => chunks.push(c));
    zip.outputStream.on('end', () => resolve(Buffer.concat(chunks)));
    zip.outputStream.on('error', reject);
  });
}

/** The temporary folders zip uploads are copied into, as they are now. */
async function spoolFolders(): Promise<Set<string>> {
  const names = await readdir(tmpdir());
  return new Set(names.filter((name) => name.startsWith(ZIP_SPOOL_PREFIX)));
}

interface UploadAnswer {
  files: { file: string; stored?: string; error?: string }[];
  stored: number;
  refused: number;
}

describe('symbol upload and listings', { timeout: 60_000 }, () => {
  let h: WebappHarness;
  let uploader: string;
  let store: GridFsSymbolStore;

  const post = (body: Buffer | FormData, token?: string, query = '') =>
    fetch(`${h.url}/api/UploadSymbols/${query}`, {
      method: 'POST',
      headers: token === undefined ? {} : { 'Auth-Token': token },
      body,
    });

  before(async () => {
    h = await startWebappHarness({
      WEBAPP_SYMBOLS_MAX_BYTES: String(64 * 1024),
    });
    uploader = await h.tokenWith(['upload_symbols']);
    store = new GridFsSymbolStore(h.db);
  });
  after(async () => {
    await h[Symbol.asyncDispose]();
  });

  it('needs upload_symbols', async () => {
    const res = await post(sym('a.pdb', ID_A));
    assert.equal(res.status, 403);
    assert.deepEqual(await res.json(), {
      error: "Use of this endpoint requires the 'upload_symbols' permission",
    });
  });

  it('stores one .sym body byte for byte where the processor looks', async () => {
    const data = sym('xul.pdb', ID_A, 'PUBLIC 2000 0 other\n');
    const res = await post(data, uploader, '?filename=xul.sym');
    assert.equal(res.status, 201);
    assert.deepEqual(await res.json(), {
      files: [{ file: 'xul.sym', stored: `xul.pdb/${ID_A}/xul.sym` }],
      stored: 1,
      refused: 0,
    });
    const stream = await store.open('xul.pdb', ID_A);
    assert.ok(stream);
    const chunks: Buffer[] = [];
    for await (const c of stream) {
      chunks.push(c as Buffer);
    }
    assert.deepEqual(Buffer.concat(chunks), data);
  });

  it('refuses a file without a MODULE record', async () => {
    const res = await post(Buffer.from('FUNC 1000 20 0 main\n'), uploader);
    assert.equal(res.status, 400);
    const body = (await res.json()) as UploadAnswer;
    assert.equal(body.refused, 1);
    assert.match(body.files[0]?.error ?? '', /must start with "MODULE/);
  });

  it('takes several files as multipart parts, storing the good ones', async () => {
    const form = new FormData();
    form.append('a', new Blob([sym('one.pdb', ID_A)]), 'one.sym');
    form.append('b', new Blob([Buffer.from('not a symbol file')]), 'bad.sym');
    form.append('c', new Blob([sym('two.so', ID_B)]), 'two.sym');
    const res = await post(form, uploader);
    assert.equal(res.status, 400);
    const body = (await res.json()) as UploadAnswer;
    assert.deepEqual(
      body.files.map((f) => [f.file, f.stored ?? 'refused']),
      [
        ['one.sym', `one.pdb/${ID_A}/one.sym`],
        ['bad.sym', 'refused'],
        ['two.sym', `two.so/${ID_B}/two.so.sym`],
      ],
    );
    assert.ok(await store.open('two.so', ID_B));
  });

  it('unpacks the .sym entries of a zip and skips other files', async () => {
    const zip = await zipOf({
      'symbols/lib.pdb/x/lib.sym': sym('lib.pdb', ID_B),
      'symbols/app.sym': sym('app', ID_A),
      'README.txt': Buffer.from('ignored'),
    });
    const res = await post(zip, uploader, '?filename=symbols.zip');
    assert.equal(res.status, 201, await res.clone().text());
    const body = (await res.json()) as UploadAnswer;
    assert.deepEqual(
      body.files.map((f) => f.stored),
      [`lib.pdb/${ID_B}/lib.sym`, `app/${ID_A}/app.sym`],
    );
    const broken = Buffer.concat([zip.subarray(0, 40), Buffer.alloc(100)]);
    const bad = await post(broken, uploader, '?filename=broken.zip');
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(await bad.json()), /not a readable zip file/);
  });

  it('answers 413 above the size limit, also for what a zip unpacks to', async () => {
    const big = sym('big.pdb', ID_A, `PUBLIC 1 0 ${'x'.repeat(70 * 1024)}\n`);
    const res = await post(big, uploader);
    assert.equal(res.status, 413);
    const bomb = await zipOf({
      'a.sym': sym('bomb.pdb', ID_A, 'PUBLIC 1 0 '.padEnd(200 * 1024, 'y')),
    });
    assert.ok(bomb.length < 64 * 1024, 'the zip itself is small');
    const unpacked = await post(bomb, uploader);
    assert.equal(unpacked.status, 413);
    assert.equal(await store.open('bomb.pdb', ID_A), null);
  });

  it('lists stored files, by debug file prefix and page', async () => {
    const all = await h.call('/api/SymbolFiles/');
    const body = all.json as {
      hits: { debug_file: string; size: number }[];
      total: number;
    };
    // One file per module: nothing refused or over the limit was kept.
    assert.equal(body.total, 5);
    assert.deepEqual(body.hits.map((f) => f.debug_file).sort(), [
      'app',
      'lib.pdb',
      'one.pdb',
      'two.so',
      'xul.pdb',
    ]);
    const some = await h.call('/api/SymbolFiles/?debug_file=xul&limit=1');
    assert.deepEqual(
      (some.json as { hits: { debug_file: string }[] }).hits.map(
        (f) => f.debug_file,
      ),
      ['xul.pdb'],
    );
    const bad = await h.call('/api/SymbolFiles/?limit=0');
    assert.equal(bad.status, 400);
  });

  it('lists the most-wanted missing symbols until they are uploaded', async () => {
    const modules = [
      {
        filename: 'gfx.dll',
        debug_file: 'gfx.pdb',
        debug_id: ID_B,
        code_id: 'c0de',
        missing_symbols: true,
      },
    ];
    for (let i = 0; i < 2; i++) {
      const uuid = await h.storeRawCrash({ ProductName: 'Firefox' });
      await h.storeProcessed({
        uuid,
        date_processed: new Date(),
        json_dump: { modules },
      });
    }
    const before = await h.call('/api/MissingSymbols/');
    assert.deepEqual(
      (before.json as { hits: Record<string, unknown>[] }).hits.map((m) => [
        m.debug_file,
        m.crashes,
      ]),
      [['gfx.pdb', 2]],
    );
    const res = await post(sym('gfx.pdb', ID_B), uploader);
    assert.equal(res.status, 201);
    const after = await h.call('/api/MissingSymbols/');
    assert.deepEqual(after.json, { hits: [], total: 0 });
  });

  it('reads a zip from a temporary copy that it removes, whatever the outcome', async () => {
    const before = await spoolFolders();
    const left = async () =>
      [...(await spoolFolders())].filter((name) => !before.has(name));
    const zip = await zipOf({ 'spooled.sym': sym('spooled.pdb', ID_A) });
    const res = await post(zip, uploader, '?filename=spooled.zip');
    assert.equal(res.status, 201, await res.clone().text());
    assert.ok(await store.open('spooled.pdb', ID_A));
    assert.deepEqual(await left(), []);
    // Stored rather than deflated, so the zip itself passes the limit.
    const large = new yazl.ZipFile();
    large.addBuffer(randomBytes(80 * 1024), 'noise.sym', { compress: false });
    large.end();
    const chunks: Buffer[] = [];
    for await (const chunk of large.outputStream) {
      chunks.push(chunk as Buffer);
    }
    const tooLarge = await post(Buffer.concat(chunks), uploader);
    assert.equal(tooLarge.status, 413);
    const broken = Buffer.concat([zip.subarray(0, 40), Buffer.alloc(100)]);
    assert.equal((await post(broken, uploader)).status, 400);
    assert.deepEqual(await left(), []);
  });

  it('stores no part of a file the body breaks off in, at any point', async () => {
    const boundary = 'cutboundary';
    const first = sym('whole.pdb', ID_A);
    const second = sym('cut.pdb', ID_B, 'FUNC 2000 10 0 other\n');
    const body = Buffer.concat([
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="a"; filename="whole.sym"\r\n\r\n`,
      ),
      first,
      Buffer.from(
        `\r\n--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n`,
      ),
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="b"; filename="cut.sym"\r\n\r\n`,
      ),
      second,
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const send = (bytes: Buffer) =>
      fetch(`${h.url}/api/UploadSymbols/`, {
        method: 'POST',
        headers: {
          'Content-Type': `multipart/form-data; boundary=${boundary}`,
          'Auth-Token': uploader,
        },
        body: bytes,
      });
    // Inside the second file, after its MODULE line: a parser that took
    // the cut for the file's end would store a shorter, valid file.
    const inside = body.indexOf('FUNC 2000');
    const cuts = [inside, inside + 4];
    for (let at = 1; at < body.length - 8; at += 29) {
      cuts.push(at);
    }
    for (const at of cuts) {
      const res = await send(body.subarray(0, at));
      assert.equal(
        res.status,
        400,
        `cut at ${at}: ${await res.clone().text()}`,
      );
      const answer = (await res.json()) as { error: string; files: unknown[] };
      assert.match(answer.error, /unreadable multipart body/, `cut at ${at}`);
      assert.equal(await store.open('cut.pdb', ID_B), null, `cut at ${at}`);
    }
    const cutInSecond = (await (
      await send(body.subarray(0, inside))
    ).json()) as {
      files: { file: string; stored?: string }[];
    };
    assert.deepEqual(cutInSecond.files, [
      { file: 'whole.sym', stored: `whole.pdb/${ID_A}/whole.sym` },
    ]);
    const whole = await send(body);
    assert.equal(whole.status, 201, await whole.clone().text());
    assert.ok(await store.open('cut.pdb', ID_B));
  });
});
