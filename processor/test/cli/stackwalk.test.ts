/**
 * crashstats-stackwalk as users run it: a separate process reading a
 * minidump file, with symbols from folders or a real HTTP server.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { MinidumpWriter } from '../support/minidump-writer.js';
import { StackImage } from '../support/stack-memory.js';
import { SymWriter, writeSymbolTree } from '../support/sym-writer.js';
import { pdbModule } from '../stackwalk/helpers.js';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const launcher = join(repo, 'processor', 'bin', 'crashstats-stackwalk.js');
const dir = mkdtempSync(join(tmpdir(), 'stackwalk-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const S = 0x7ffe00000000n;
const APP = pdbModule('app', 0x400000n, 0x10000, 0x3c);
const symbolsDir = join(dir, 'symbols');
const dumpPath = join(dir, 'crash.dmp');
const notADump = join(dir, 'not-a-dump.dmp');

before(async () => {
  const registers = { rip: 0x401010n, rsp: S + 0x100n, rbp: 0n };
  const dump = new MinidumpWriter({ cpu: 'amd64', os: 'windows' })
    .addModule(APP.spec)
    .addThread({
      id: 42,
      registers,
      stack: new StackImage(S, 0x200, 8).put(S + 0x100n, 0x402020n).stack,
    })
    .setException({
      threadId: 42,
      code: 0xc0000005,
      parameters: [0n, 0x10n],
      registers,
    })
    .build();
  writeFileSync(dumpPath, dump);
  writeFileSync(notADump, 'this is not a minidump');
  const sym = new SymWriter({
    os: 'windows',
    cpu: 'x86_64',
    debugId: APP.debugId,
    debugFile: APP.debugFile,
  })
    .file(0, 'c:\\src\\app.cpp')
    .func({
      address: 0x1000,
      size: 0x100,
      name: 'crash_here()',
      lines: [[0x1000, 0x100, 12, 0]],
    })
    .func({
      address: 0x2000,
      size: 0x100,
      name: 'main()',
      lines: [[0x2000, 0x100, 40, 0]],
    })
    .cfiInit(0x1000, 0x100, { '.cfa': '$rsp 8 +', '.ra': '.cfa -8 + ^' })
    .toString();
  await writeSymbolTree(symbolsDir, APP.debugFile, APP.debugId, sym);
});

function run(args: string[], command = process.execPath) {
  const argv = command === process.execPath ? [launcher, ...args] : args;
  const out = spawnSync(command, argv, {
    cwd: repo,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: out.status, stdout: out.stdout, stderr: out.stderr };
}

interface Json {
  status: string;
  crash_info: { type: string; crashing_thread: number; address: string };
  crashing_thread: {
    frames: Array<{
      function: string | null;
      line: number | null;
      trust: string;
    }>;
  };
  modules: Array<{
    filename: string;
    loaded_symbols: boolean;
    missing_symbols: boolean;
  }>;
}

describe('crashstats-stackwalk', () => {
  it('prints minidump-stackwalk JSON with symbols from a folder', () => {
    const { code, stdout, stderr } = run([
      '--json',
      '--symbols-path',
      symbolsDir,
      dumpPath,
    ]);
    assert.equal(stderr, '');
    assert.equal(code, 0);
    const json = JSON.parse(stdout) as Json;
    assert.equal(json.status, 'OK');
    assert.equal(json.crash_info.type, 'EXCEPTION_ACCESS_VIOLATION_READ');
    assert.deepEqual(
      json.crashing_thread.frames.map((f) => [f.function, f.line, f.trust]),
      [
        ['crash_here()', 12, 'context'],
        ['main()', 40, 'cfi'],
      ],
    );
    assert.deepEqual(
      json.modules.map((m) => [
        m.filename,
        m.loaded_symbols,
        m.missing_symbols,
      ]),
      [['app', true, false]],
    );
    assert.equal(stdout.split('\n').length, 2, 'one line unless --pretty');
  });

  it('prints text by default, with the crash and the frames', () => {
    const { code, stdout } = run(['--symbols-path', symbolsDir, dumpPath]);
    assert.equal(code, 0);
    assert.match(stdout, /Crash reason: +EXCEPTION_ACCESS_VIOLATION_READ/);
    assert.match(stdout, /Thread 0 +\(crashed\) - tid: 42/);
    assert.match(stdout, / 0 +app!crash_here\(\) \[app\.cpp : 12 \+ 0x10\]/);
    assert.match(stdout, / 1 +app!main\(\) \[app\.cpp : 40 \+ 0x1f\]/);
  });

  it('downloads symbols from a symbol server and keeps them in the cache folder', async () => {
    const asked: string[] = [];
    const server = createServer((req, res) => {
      const path = decodeURIComponent(req.url ?? '/');
      asked.push(path);
      readFile(join(symbolsDir, path.replace(/^\/sym\//, '')))
        .then((body) => res.writeHead(200).end(body))
        .catch(() => res.writeHead(404).end());
    });
    await new Promise<void>((resolve) =>
      server.listen(0, '127.0.0.1', resolve),
    );
    try {
      const { port } = server.address() as AddressInfo;
      const cache = join(dir, 'cache');
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          launcher,
          '--json',
          '--symbols-url',
          `http://127.0.0.1:${port}/sym/`,
          '--symbols-cache',
          cache,
          dumpPath,
        ],
        { cwd: repo },
      );
      const json = JSON.parse(stdout) as Json;
      assert.equal(json.crashing_thread.frames[1]?.function, 'main()');
      assert.deepEqual(asked, [`/sym/${APP.debugFile}/${APP.debugId}/app.sym`]);
      const cached = await readFile(
        join(cache, APP.debugFile, APP.debugId, 'app.sym'),
        'utf8',
      );
      assert.match(cached, /^MODULE windows x86_64 /);
    } finally {
      server.close();
    }
  });

  it('walks without symbols and says they are missing', () => {
    const { code, stdout } = run(['--json', '--pretty', dumpPath]);
    assert.equal(code, 0);
    const json = JSON.parse(stdout) as Json;
    assert.equal(json.crashing_thread.frames[0]?.function, null);
    assert.match(stdout, /^\{\n {2}"crash_info"/);
  });

  it('runs through the npm bin link (npx crashstats-stackwalk)', () => {
    const bin = join(repo, 'node_modules', '.bin', 'crashstats-stackwalk');
    const { code, stdout } = run(
      ['--json', '--symbols-path', symbolsDir, dumpPath],
      bin,
    );
    assert.equal(code, 0);
    assert.equal(
      (JSON.parse(stdout) as Json).crashing_thread.frames[0]?.function,
      'crash_here()',
    );
  });

  it('exits 1 with the status for a file that is not a minidump', () => {
    const { code, stdout, stderr } = run(['--json', notADump]);
    assert.equal(code, 1);
    assert.deepEqual(JSON.parse(stdout), {
      status: 'ERROR_NO_MINIDUMP_HEADER',
    });
    assert.match(stderr, /not-a-dump\.dmp: ERROR_NO_MINIDUMP_HEADER/);
  });

  it('exits 1 for a file it cannot read', () => {
    const { code, stdout, stderr } = run([join(dir, 'absent.dmp')]);
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.match(
      stderr,
      /^crashstats-stackwalk: cannot read .*absent\.dmp: ENOENT/,
    );
  });

  for (const [args, message] of [
    [[], /no minidump given/],
    [['a.dmp', 'b.dmp'], /expected one minidump, got 2/],
    [['--json', '--human', 'a.dmp'], /cannot be used together/],
    [['--max-frames', '0', 'a.dmp'], /--max-frames must be a positive integer/],
    [['--symbols-url', 'ftp://x/', 'a.dmp'], /must be http or https/],
    [['--bogus', 'a.dmp'], /bogus/],
  ] as const) {
    it(`exits 2 on bad arguments: ${args.join(' ') || '(none)'}`, () => {
      const { code, stdout, stderr } = run([...args]);
      assert.equal(code, 2);
      assert.equal(stdout, '');
      assert.match(stderr, message);
      assert.match(stderr, /Usage: crashstats-stackwalk/);
    });
  }

  it('prints help', () => {
    const { code, stdout } = run(['--help']);
    assert.equal(code, 0);
    assert.match(stdout, /--symbols-path DIR/);
  });
});
