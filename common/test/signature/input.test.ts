import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  generateSignature,
  parseSignatureInput,
  SignatureInputError,
  signatureInputFromProcessedCrash,
} from '../../src/signature/index.js';

/** The problems reported for `value`. */
function problemsOf(value: unknown): readonly string[] {
  try {
    parseSignatureInput(value);
  } catch (error) {
    if (error instanceof SignatureInputError) {
      return error.problems;
    }
    throw error;
  }
  return [];
}

describe('parseSignatureInput', () => {
  it('accepts a full document, nulls and unknown fields', () => {
    const input = {
      platform: 'c',
      crashing_thread: 0,
      threads: [
        {
          thread_name: 'main',
          frame_count: 1,
          last_error_value: null,
          frames: [
            {
              frame: 0,
              trust: 'context',
              module: 'xul.dll',
              function: 'f',
              file: null,
              line: 3,
              module_offset: '0x1',
              offset: '0x2',
              inlines: [{ function: 'g', file: 'a.h', line: '4' }],
              unloaded_modules: [{ module: 'u.dll', offsets: ['0x1'] }],
            },
          ],
        },
      ],
      os: 'Windows NT',
      reason: 'EXCEPTION_ACCESS_VIOLATION_READ',
      hang: '1',
      oom_allocation_size: 12,
      js_large_allocation_failure: null,
      abort_message: null,
      mdsw_status_string: 'OK',
      async_shutdown_timeout: '{"phase":"x"}',
      ipc_channel_error: null,
      ipc_message_name: null,
      additional_minidumps: ['upload_file_minidump_browser'],
      java_stack_trace: null,
      java_exception: { anything: true },
      original_signature: 'old',
      moz_crash_reason: 'kept',
    };
    assert.deepEqual(parseSignatureInput(input), input);
    assert.deepEqual(parseSignatureInput({}), {});
  });

  it('rejects a document that is not an object', () => {
    for (const value of [null, [], 'x', 3]) {
      assert.deepEqual(problemsOf(value), [
        '(document): expected a JSON object',
      ]);
    }
  });

  it('names the path of each wrong field', () => {
    const problems = problemsOf({
      crashing_thread: {},
      threads: [{ frames: [{ function: 'ok' }, { line: [] }] }],
      abort_message: 12,
    });
    assert.equal(problems.length, 3);
    assert.match(problems[0] ?? '', /^crashing_thread: /);
    assert.match(problems[1] ?? '', /^threads\[0\]\.frames\[1\]\.line: /);
    assert.match(problems[2] ?? '', /^abort_message: .*string/);
  });

  it('gives a message listing the problems', () => {
    assert.throws(
      () => parseSignatureInput({ threads: 'no' }),
      /^SignatureInputError: invalid signature input: threads: /,
    );
  });
});

describe('signatureInputFromProcessedCrash', () => {
  const processed = {
    signature: 'old | sig',
    hang: null,
    oom_allocation_size: '1048576',
    abort_message: 'boom',
    mdsw_status_string: 'OK',
    additional_minidumps: ['upload_file_minidump_browser'],
    product: 'Firefox',
    json_dump: {
      crash_info: { crashing_thread: 1, type: 'EXCEPTION_STACK_OVERFLOW' },
      system_info: { os: 'Windows NT' },
      threads: [
        { frames: [{ function: 'zero' }] },
        { frames: [{ function: 'one' }] },
      ],
    },
  };

  it('copies the fields signature generation reads', () => {
    const input = signatureInputFromProcessedCrash(processed);
    assert.equal(input.crashing_thread, 1);
    assert.equal(input.reason, 'EXCEPTION_STACK_OVERFLOW');
    assert.equal(input.os, 'Windows NT');
    assert.equal(input.oom_allocation_size, 1048576);
    assert.equal(input.original_signature, 'old | sig');
    assert.equal(input.threads?.length, 2);
    assert.equal('product' in input, false);
    assert.equal(
      generateSignature(input).signature,
      'stackoverflow | Abort | boom | OOM | large | one',
    );
  });

  it('defaults what is missing and copies Java data', () => {
    const input = signatureInputFromProcessedCrash({
      oom_allocation_size: 'lots',
      java_stack_trace: 'E: x\nat f(A.java:1)',
    });
    assert.equal(input.oom_allocation_size, null);
    assert.deepEqual(input.additional_minidumps, []);
    assert.equal(input.original_signature, '');
    assert.equal('threads' in input, false);
    assert.equal(generateSignature(input).signature, 'E: x at f(A.java)');
  });

  it('rejects a processed crash with malformed stack data', () => {
    assert.throws(
      () => signatureInputFromProcessedCrash({ json_dump: { threads: 'x' } }),
      SignatureInputError,
    );
  });
});
