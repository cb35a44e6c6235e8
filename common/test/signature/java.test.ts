import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  javaExceptionSignature,
  normalizeJavaExceptionFrame,
} from '../../src/signature/java-exception.js';
import { javaStackTraceSignature } from '../../src/signature/java-stack-trace.js';

const tool = 'JavaSignatureTool';

describe('javaStackTraceSignature', () => {
  it('joins class, description and top frame without its line number', () => {
    const result = javaStackTraceSignature(
      'SomeException: made up  \n\tat org.a.B.c(B.java:666)\n\tat d',
    );
    assert.equal(
      result.signature,
      'SomeException: made up at org.a.B.c(B.java)',
    );
    assert.deepEqual(result.notes, []);
  });

  it('replaces hex addresses and separates a trailing <addr> with ": "', () => {
    const trace =
      'java.lang.IllegalArgumentException: not a child of a.Layout@4054b560\n\tat a.V.u(V.java:1968)';
    assert.equal(
      javaStackTraceSignature(trace).signature,
      'java.lang.IllegalArgumentException: not a child of a.Layout@<addr>: at a.V.u(V.java)',
    );
    const inner =
      'E: token a.Binder@406237c0 is not valid\n\tat a.R.s(R.java:533)';
    assert.equal(
      javaStackTraceSignature(inner).signature,
      'E: token a.Binder@<addr> is not valid at a.R.s(R.java)',
    );
  });

  it('leaves addresses outside the description alone', () => {
    const trace = 'E: x\nat a.b(F.java:@abef1234)';
    assert.equal(
      javaStackTraceSignature(trace).signature,
      'E: x at a.b(F.java:@abef1234)',
    );
  });

  it('notes a first line without a colon', () => {
    const result = javaStackTraceSignature(
      '   SomeException\nat a.b(F.java:12)',
    );
    assert.equal(result.signature, 'SomeException: at a.b(F.java)');
    assert.deepEqual(result.notes, [
      `${tool}: stack trace line 1 is not in the expected format`,
    ]);
  });

  it('notes a missing or empty second line', () => {
    for (const trace of ['E: made up  ', 'E: made up  \n']) {
      const result = javaStackTraceSignature(trace);
      assert.equal(result.signature, 'E: made up');
      assert.deepEqual(result.notes, [
        `${tool}: stack trace line 2 is missing`,
      ]);
    }
    const empty = javaStackTraceSignature('E: x\n\nat y');
    assert.equal(empty.signature, 'E: x');
    assert.deepEqual(empty.notes, [`${tool}: stack trace line 2 is empty`]);
  });

  it('splits lines on every Python line boundary', () => {
    assert.equal(
      javaStackTraceSignature('E: x\u2028at y(Z.java:1)').signature,
      'E: x at y(Z.java)',
    );
  });

  it('drops a description that makes the signature too long', () => {
    const result = javaStackTraceSignature(
      `   E: ${'t'.repeat(1000)}\nat a.b(F.java:1)`,
    );
    assert.equal(result.signature, 'E: at a.b(F.java)');
    assert.deepEqual(result.notes, [
      `${tool}: dropped Java exception description due to length`,
    ]);
  });

  it('rejects a value that is not text', () => {
    const result = javaStackTraceSignature(17);
    assert.equal(
      result.signature,
      'EMPTY: Java stack trace not in expected format',
    );
    assert.deepEqual(result.notes, [
      `${tool}: stack trace not in expected format`,
    ]);
  });
});

describe('javaExceptionSignature', () => {
  const exception = (stacktrace: unknown) => ({
    exception: { values: [{ stacktrace }] },
  });

  it('uses module.type and the first frame', () => {
    const source = exception({
      type: 'IOException',
      module: 'java.io',
      frames: [
        {
          module: 'org.mozilla.fenix.ext.AddonManagerKt',
          function: 'getFenixAddons',
          filename: 'AddonManager.kt',
        },
        { module: 'other', function: 'f' },
      ],
    });
    assert.equal(
      javaExceptionSignature(source).signature,
      'java.io.IOException: at org.mozilla.fenix.ext.AddonManagerKt.getFenixAddons(AddonManager.kt)',
    );
  });

  it('uses the class alone without frames, and Unknown without a type', () => {
    assert.equal(
      javaExceptionSignature(
        exception({
          type: 'RemoteException',
          module: 'android.os',
          frames: [],
        }),
      ).signature,
      'android.os.RemoteException',
    );
    assert.equal(
      javaExceptionSignature(exception({ module: 'm', frames: [{}] }))
        .signature,
      'm.Unknown: at unknown',
    );
    assert.equal(
      javaExceptionSignature(
        exception({ type: null, frames: [{ function: 'f' }] }),
      ).signature,
      'None: at f',
    );
  });

  it('normalizes frames from whatever parts exist', () => {
    assert.equal(
      normalizeJavaExceptionFrame({ function: 'f', filename: 'A.kt' }),
      'f(A.kt)',
    );
    assert.equal(
      normalizeJavaExceptionFrame({
        module: 'm',
        function: null,
        filename: 'A.kt',
      }),
      'm(A.kt)',
    );
    assert.equal(
      normalizeJavaExceptionFrame({ module: 'm', function: 'f', filename: '' }),
      'm.f',
    );
    assert.equal(normalizeJavaExceptionFrame({}), 'unknown');
  });

  it('rejects values not in the expected format', () => {
    for (const value of [
      null,
      'abcde',
      [],
      {},
      { exception: { values: [] } },
      exception({}),
    ]) {
      const result = javaExceptionSignature(value);
      assert.equal(
        result.signature,
        'EMPTY: Java exception not in expected format',
      );
      assert.deepEqual(result.notes, [
        'JavaExceptionSignatureTool: value not in expected format',
      ]);
    }
  });

  it('throws for a stack trace or frame that is not an object', () => {
    assert.throws(() => javaExceptionSignature(exception('text')), TypeError);
    assert.throws(
      () => javaExceptionSignature(exception({ frames: ['x'] })),
      TypeError,
    );
  });
});
