import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const launcher = join(repo, 'processor', 'bin', 'crashstats-signify.js');
const dir = mkdtempSync(join(tmpdir(), 'signify-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Runs the launcher with `input` on stdin. */
function signify(
  input: string,
  args: string[] = [],
  command = process.execPath,
) {
  const argv = command === process.execPath ? [launcher, ...args] : args;
  const run = spawnSync(command, argv, {
    cwd: repo,
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

const CRASH = JSON.stringify({
  crashing_thread: 0,
  threads: [
    {
      frames: [
        { function: 'NtWaitForSingleObject' },
        { function: 'memcpy' },
        { function: 'void Foo<int>::Bar(int)' },
      ],
    },
  ],
});

describe('crashstats-signify', () => {
  it('prints signature, proto_signature and notes', () => {
    const { code, stdout, stderr } = signify(CRASH);
    assert.equal(stderr, '');
    assert.equal(code, 0);
    assert.deepEqual(JSON.parse(stdout), {
      signature: 'memcpy | Foo<T>::Bar',
      proto_signature: 'NtWaitForSingleObject | memcpy | Foo<T>::Bar',
      notes: [],
    });
    assert.deepEqual(Object.keys(JSON.parse(stdout) as object), [
      'signature',
      'proto_signature',
      'notes',
    ]);
  });

  it('runs through the npm bin link (npx crashstats-signify)', () => {
    const bin = join(repo, 'node_modules', '.bin', 'crashstats-signify');
    const { code, stdout } = signify(CRASH, [], bin);
    assert.equal(code, 0);
    assert.equal(
      (JSON.parse(stdout) as { signature: string }).signature,
      'memcpy | Foo<T>::Bar',
    );
  });

  it('converts a processed crash', () => {
    const processed = {
      signature: 'old',
      json_dump: {
        crash_info: { crashing_thread: 0, type: 'EXCEPTION_STACK_OVERFLOW' },
        threads: [{ frames: [{ function: 'f' }] }],
      },
    };
    const { code, stdout } = signify(JSON.stringify(processed));
    assert.equal(code, 0);
    assert.equal(
      (JSON.parse(stdout) as { signature: string }).signature,
      'stackoverflow | f',
    );
  });

  it('reports notes for empty stacks', () => {
    const { stdout } = signify('{}');
    assert.deepEqual(JSON.parse(stdout), {
      signature: 'EMPTY: no frame data available',
      proto_signature: '',
      notes: [
        'SignatureGenerationRule: CSignatureTool: no frame data for crashing thread (0)',
      ],
    });
  });

  it('fails with a message on invalid JSON', () => {
    const { code, stdout, stderr } = signify('{not json');
    assert.equal(code, 1);
    assert.equal(stdout, '');
    assert.match(stderr, /^crashstats-signify: stdin is not valid JSON: /);
  });

  it('fails with the offending field on a malformed document', () => {
    const { code, stderr } = signify('{"threads":[{"frames":[{"line":{}}]}]}');
    assert.equal(code, 1);
    assert.match(
      stderr,
      /^crashstats-signify: invalid signature input: threads\[0\]\.frames\[0\]\.line: /,
    );
    assert.equal(signify('[]').code, 1);
  });

  it('fails on an unknown option', () => {
    const { code, stderr } = signify(CRASH, ['--bogus']);
    assert.equal(code, 1);
    assert.match(stderr, /^crashstats-signify: .*bogus/);
  });

  it('prints help', () => {
    const { code, stdout } = signify('', ['--help']);
    assert.equal(code, 0);
    assert.match(stdout, /^Usage: crashstats-signify/);
  });

  it('extends the lists from files', () => {
    const extra = join(dir, 'irrelevant.txt');
    writeFileSync(extra, '# local\nmemcpy$\n');
    const { code, stdout } = signify(CRASH, ['--irrelevant', extra]);
    assert.equal(code, 0);
    assert.equal(
      (JSON.parse(stdout) as { signature: string }).signature,
      'Foo<T>::Bar',
    );
  });

  it('fails on a missing list directory or file', () => {
    const missing = signify(CRASH, ['--list-dir', join(dir, 'nowhere')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no irrelevant list in /);
    const invalid = join(dir, 'bad.txt');
    writeFileSync(invalid, 'bad(\n');
    const bad = signify(CRASH, ['--prefix', invalid]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /bad\.txt:1: invalid regular expression/);
  });

  it('writes the debug log to stderr with --verbose', () => {
    const { code, stdout, stderr } = signify(CRASH, ['-v']);
    assert.equal(code, 0);
    assert.match(
      stderr,
      /SignatureGenerationRule: irrelevant, skipped: "NtWaitForSingleObject"/,
    );
    assert.doesNotThrow(() => JSON.parse(stdout) as unknown);
  });
});
