import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  generateSignature,
  generateSignatureDetails,
  type SignatureInput,
} from '../../src/signature/index.js';
import { cleanAbortMessage } from '../../src/signature/rules/abort.js';
import { makeLists, threadOf } from './support.js';

const lists = makeLists({ irrelevant: ['skip'], prefix: ['pre'] });
const sign = (input: SignatureInput) => generateSignature(input, { lists });

describe('SignatureGenerationRule', () => {
  it('uses the crashing thread and records the proto signature', () => {
    const input = {
      crashing_thread: 1,
      threads: [threadOf('zero'), threadOf('skip', 'pre', 'one', 'two')],
    };
    const details = generateSignatureDetails(input, { lists });
    assert.equal(details.signature, 'pre | one');
    assert.equal(details.proto_signature, 'skip | pre | one | two');
    assert.deepEqual(details.extra.normalized_frames, [
      'skip',
      'pre',
      'one',
      'two',
    ]);
    assert.deepEqual(details.notes, []);
    assert.ok(
      details.debug_log.some((line) =>
        line.startsWith('SignatureGenerationRule: '),
      ),
    );
  });

  it('falls back to thread 0 when crashing_thread is missing or invalid', () => {
    const threads = [threadOf('zero'), threadOf('one')];
    for (const crashing_thread of [undefined, null, 'x']) {
      assert.equal(sign({ crashing_thread, threads }).signature, 'zero');
    }
    assert.equal(sign({ crashing_thread: '1', threads }).signature, 'one');
    assert.equal(sign({ crashing_thread: -1, threads }).signature, 'one');
  });

  it('explains a crashing thread that does not exist', () => {
    const result = sign({ crashing_thread: 5, threads: [threadOf('zero')] });
    assert.deepEqual(result, {
      signature: 'EMPTY: no frame data available',
      proto_signature: '',
      notes: [
        'SignatureGenerationRule: CSignatureTool: no frame data for crashing thread (5)',
      ],
    });
  });

  it('keeps empty frames in the proto signature', () => {
    const result = sign({ threads: [{ frames: [{}, { function: 'f' }] }] });
    assert.equal(result.signature, 'f');
    assert.equal(result.proto_signature, ' | f');
  });

  it('leaves the signature empty when the only frames are empty', () => {
    const result = sign({ threads: [{ frames: [{}] }] });
    assert.equal(result.signature, '');
    assert.deepEqual(result.notes, [
      'SignatureGenerationRule: CSignatureTool: no frame data for crashing thread (0)',
    ]);
  });

  it('prefers the Java stack trace, then the Java exception', () => {
    const java_exception = {
      exception: {
        values: [{ stacktrace: { type: 'T', module: 'm', frames: [] } }],
      },
    };
    const threads = [threadOf('native')];
    assert.equal(
      sign({
        java_stack_trace: 'E: x\nat f(A.java:1)',
        java_exception,
        threads,
      }).signature,
      'E: x at f(A.java)',
    );
    assert.equal(sign({ java_exception, threads }).signature, 'm.T');
    assert.equal(sign({ java_exception: {}, threads }).signature, 'native');
  });
});

describe('StackwalkerErrorSignatureRule', () => {
  it('appends the stackwalker status to EMPTY signatures only', () => {
    assert.equal(
      sign({ mdsw_status_string: 'ERROR_NO_THREAD_LIST' }).signature,
      'EMPTY: no frame data available; ERROR_NO_THREAD_LIST',
    );
    assert.equal(
      sign({ mdsw_status_string: '' }).signature,
      'EMPTY: no frame data available',
    );
    assert.equal(
      sign({ mdsw_status_string: 'OK', threads: [threadOf('f')] }).signature,
      'f',
    );
  });
});

describe('BadHardware', () => {
  it('prefixes crashes whose reason mentions STATUS_DEVICE_DATA_ERROR', () => {
    const threads = [threadOf('f')];
    const reason = 'EXCEPTION_IN_PAGE_ERROR_READ / STATUS_DEVICE_DATA_ERROR';
    assert.equal(sign({ reason, threads }).signature, 'bad hardware | f');
    assert.equal(sign({ reason: 'SIGSEGV', threads }).signature, 'f');
  });
});

describe('OOMSignature', () => {
  const threads = [threadOf('f')];

  it('classifies by allocation size', () => {
    assert.equal(
      sign({ oom_allocation_size: 262144, threads }).signature,
      'OOM | small',
    );
    assert.equal(
      sign({ oom_allocation_size: 262145, threads }).signature,
      'OOM | large | f',
    );
    assert.equal(
      sign({ oom_allocation_size: '300000', threads }).signature,
      'OOM | large | f',
    );
    assert.equal(sign({ oom_allocation_size: 0, threads }).signature, 'f');
  });

  it('detects OOMs from the stack, the reason, the last error and JS large allocations', () => {
    const oomStack = [threadOf('pre', 'mozalloc_handle_oom')];
    assert.equal(
      sign({ threads: oomStack }).signature,
      'OOM | unknown | pre | mozalloc_handle_oom',
    );
    assert.equal(
      sign({ threads: oomStack, oom_allocation_size: 100 }).signature,
      'OOM | small',
    );
    for (const reason of [
      'STATUS_NO_MEMORY',
      'STATUS_FATAL_MEMORY_EXHAUSTION',
    ]) {
      assert.equal(sign({ reason, threads }).signature, 'OOM | unknown | f');
    }
    const lastError = [
      { ...threadOf('f'), last_error_value: 'ERROR_COMMITMENT_LIMIT' },
    ];
    assert.equal(sign({ threads: lastError }).signature, 'OOM | unknown | f');
    const js = {
      js_large_allocation_failure: 'Reporting',
      oom_allocation_size: 10,
      threads,
    };
    assert.equal(sign(js).signature, 'OOM | large | f');
  });

  it('checks every documented signature fragment', () => {
    for (const fragment of [
      'NS_ABORT_OOM',
      'CrashAtUnhandlableOOM',
      'AutoEnterOOMUnsafeRegion',
      'alloc::oom::oom',
    ]) {
      assert.equal(
        sign({ threads: [threadOf(`${fragment}x`)] }).signature,
        `OOM | unknown | ${fragment}x`,
      );
    }
  });

  it('fails with a note when the size is not a number', () => {
    const result = sign({ oom_allocation_size: 'lots', threads });
    assert.equal(result.signature, 'f');
    assert.deepEqual(result.notes, [
      "OOMSignature: Rule failed: invalid literal for int() with base 10: 'lots'",
    ]);
  });
});

describe('AbortSignature', () => {
  const threads = [threadOf('f')];

  it('prefixes the cleaned abort message', () => {
    const abort_message =
      '[123] ###!!! ABORT: Something broke: file foo.cpp:12';
    assert.equal(
      sign({ abort_message, threads }).signature,
      'Abort | Something broke | f',
    );
  });

  it('gives a bare Abort for file-only messages', () => {
    assert.equal(
      sign({ abort_message: '###!!! ABORT: file foo.cpp, line 12', threads })
        .signature,
      'Abort | f',
    );
  });

  it('cleans messages', () => {
    assert.equal(
      cleanAbortMessage('unable to find a usable font (Schriftart nicht)'),
      'unable to find a usable font',
    );
    assert.equal(cleanAbortMessage('tab\there ünï \u0001'), 'tabhere n');
    assert.equal(cleanAbortMessage('x'.repeat(100)), `${'x'.repeat(77)}...`);
    assert.equal(cleanAbortMessage('x'.repeat(80)), 'x'.repeat(80));
  });

  it('ignores an empty message', () => {
    assert.equal(sign({ abort_message: '', threads }).signature, 'f');
  });
});

describe('SignatureRunWatchDog', () => {
  it('regenerates from thread 0 and prefixes shutdownhang', () => {
    const input = {
      crashing_thread: 1,
      abort_message: 'lost',
      threads: [
        threadOf('skip', 'pre', 'Main::Stuck'),
        threadOf('mozilla::(anonymous namespace)::RunWatchdog(void*)'),
      ],
    };
    const details = generateSignatureDetails(input, { lists });
    assert.equal(details.signature, 'shutdownhang | pre | Main::Stuck');
    assert.equal(details.proto_signature, 'skip | pre | Main::Stuck');
  });

  it('keeps the first proto signature when thread 0 has no frames', () => {
    const input = {
      crashing_thread: 1,
      threads: [{ frames: [] }, threadOf('RunWatchdog')],
    };
    const result = sign(input);
    assert.equal(
      result.signature,
      'shutdownhang | EMPTY: no frame data available',
    );
    assert.equal(result.proto_signature, 'RunWatchdog');
    assert.deepEqual(result.notes, [
      'SignatureGenerationRule: CSignatureTool: no frame data for crashing thread (0)',
    ]);
  });
});
