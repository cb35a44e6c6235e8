import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  defaultRuleset,
  generateSignature,
  runSignatureRules,
  SIGNATURE_MAX_LENGTH,
  type SignatureInput,
  type SignatureRule,
} from '../../src/signature/index.js';
import { makeLists, threadOf } from './support.js';

const lists = makeLists();
const threads = [threadOf('f')];
const sign = (input: SignatureInput) => generateSignature(input, { lists });
const TIMEOUT = 'SignatureShutdownTimeout';

describe('SignatureShutdownTimeout', () => {
  const timeout = (
    async_shutdown_timeout: SignatureInput['async_shutdown_timeout'],
  ) => sign({ async_shutdown_timeout, threads, abort_message: 'gone' });

  it('replaces the signature with the phase and sorted condition names', () => {
    const value =
      '{"phase":"profile-before-change","conditions":[{"name":"b"},"a",{"name":"c"}]}';
    assert.deepEqual(timeout(value), {
      signature: 'AsyncShutdownTimeout | profile-before-change | a,b,c',
      proto_signature: 'f',
      notes: [
        `${TIMEOUT}: Signature replaced with a Shutdown Timeout signature, was: "Abort | gone | f"`,
      ],
    });
  });

  it('uses (unknown) and (none) for a missing phase and conditions', () => {
    assert.equal(
      timeout('{"phase":1}').signature,
      'AsyncShutdownTimeout | (unknown) | (none)',
    );
    assert.equal(
      timeout('{"phase":"p","conditions":[1,null,true]}').signature,
      'AsyncShutdownTimeout | p | 1,None,True',
    );
    assert.equal(
      timeout({ phase: 'decoded', conditions: [] }).signature,
      'AsyncShutdownTimeout | decoded | (none)',
    );
  });

  it('uses UNKNOWN and notes the error when the value cannot be read', () => {
    const bad = timeout('not json');
    assert.equal(bad.signature, 'AsyncShutdownTimeout | UNKNOWN');
    assert.match(
      bad.notes[0] ?? '',
      /^SignatureShutdownTimeout: Error parsing AsyncShutdownTimeout: /,
    );
    const noName = timeout('{"phase":"p","conditions":[{"id":1}]}');
    assert.equal(noName.signature, 'AsyncShutdownTimeout | p | UNKNOWN');
    assert.equal(
      noName.notes[0],
      `${TIMEOUT}: Error parsing AsyncShutdownTimeout: 'name'`,
    );
  });

  it('fails with a note when the JSON is not an object', () => {
    const result = timeout('[]');
    assert.equal(result.signature, 'Abort | gone | f');
    assert.match(
      result.notes[0] ?? '',
      /^SignatureShutdownTimeout: Rule failed: /,
    );
  });
});

describe('SignatureIPCChannelError', () => {
  const note =
    'SignatureIPCChannelError: IPC Channel Error stomped on signature';

  it('replaces the signature, naming the side by the browser minidump', () => {
    assert.deepEqual(sign({ ipc_channel_error: 'ShutDownKill', threads }), {
      signature: 'IPCError-content | ShutDownKill',
      proto_signature: 'f',
      notes: [note],
    });
    const browser = {
      ipc_channel_error: 'ShutDownKill',
      additional_minidumps: ['upload_file_minidump_browser'],
      threads,
    };
    assert.equal(sign(browser).signature, 'IPCError-browser | ShutDownKill');
    const joined = {
      ...browser,
      additional_minidumps: 'upload_file_minidump_browser,content',
    };
    assert.equal(sign(joined).signature, 'IPCError-browser | ShutDownKill');
  });

  it('keeps the first 100 characters of the error', () => {
    const result = sign({ ipc_channel_error: 'x'.repeat(150), threads });
    assert.equal(result.signature, `IPCError-content | ${'x'.repeat(100)}`);
  });
});

describe('SignatureIPCMessageName', () => {
  it('appends the message name, after an IPC error too', () => {
    assert.equal(
      sign({ ipc_message_name: 'PContent::Msg_X', threads }).signature,
      'f | IPC_Message_Name=PContent::Msg_X',
    );
    const both = { ipc_channel_error: 'E', ipc_message_name: 'M', threads };
    assert.equal(
      sign(both).signature,
      'IPCError-content | E | IPC_Message_Name=M',
    );
  });
});

describe('StackOverflowSignature', () => {
  it('prefixes stack overflows', () => {
    assert.equal(
      sign({ reason: 'EXCEPTION_STACK_OVERFLOW', threads }).signature,
      'stackoverflow | f',
    );
    assert.equal(
      sign({ reason: 'EXCEPTION_STACK_OVERFLOW_X', threads }).signature,
      'f',
    );
  });
});

describe('HungProcess', () => {
  it('prefixes any hang value, outermost', () => {
    const base = { reason: 'EXCEPTION_STACK_OVERFLOW', threads };
    assert.equal(
      sign({ ...base, hang: '1' }).signature,
      'hang: 1 | stackoverflow | f',
    );
    assert.equal(
      sign({ ...base, hang: true }).signature,
      'hang: True | stackoverflow | f',
    );
    assert.equal(
      sign({ ...base, hang: 0 }).signature,
      'hang: 0 | stackoverflow | f',
    );
    assert.equal(sign({ threads, hang: '' }).signature, 'hang: | f');
    assert.equal(sign({ threads, hang: null }).signature, 'f');
  });
});

describe('SigPrintableCharsOnly and SigFixWhitespace', () => {
  it('drops non-printable and non-ASCII characters with a note', () => {
    const result = sign({ threads: [threadOf('fööbar\u0001')] });
    assert.equal(result.signature, 'fbar');
    assert.deepEqual(result.notes, [
      'SigPrintableCharsOnly: unprintable characters removed',
    ]);
  });

  it('collapses runs of spaces', () => {
    const result = sign({ ipc_channel_error: 'a   b', threads });
    assert.equal(result.signature, 'IPCError-content | a b');
  });

  it('turns every whitespace character into a space', () => {
    const whitespace = defaultRuleset(lists).find(
      (rule) => rule.name === 'SigFixWhitespace',
    );
    const setter: SignatureRule = {
      name: 'Set',
      action: (_input, result) =>
        result.setSignature('Set', ' a\t\tb\u3000c\n'),
    };
    assert.ok(whitespace);
    const result = runSignatureRules({}, [setter, whitespace]);
    assert.equal(result.signature, 'a b c');
    assert.deepEqual(result.notes, []);
  });

  it('trims (the printable rule notes trimming as a change)', () => {
    const result = sign({ threads: [threadOf('x (int)')] });
    assert.equal(result.proto_signature, 'x ');
    assert.equal(result.signature, 'x');
    assert.deepEqual(result.notes, [
      'SigPrintableCharsOnly: unprintable characters removed',
    ]);
  });
});

describe('SigTruncate', () => {
  it(`cuts signatures over ${SIGNATURE_MAX_LENGTH} characters to 252 plus ...`, () => {
    const long = sign({ threads: [threadOf('y'.repeat(300))] });
    assert.equal(long.signature, `${'y'.repeat(252)}...`);
    assert.deepEqual(long.notes, [
      'SigTruncate: SigTrunc: signature truncated due to length',
    ]);
    const exact = sign({ threads: [threadOf('y'.repeat(255))] });
    assert.equal(exact.signature, 'y'.repeat(255));
    assert.deepEqual(exact.notes, []);
  });
});

describe('the pipeline', () => {
  it('runs the rules in siggen order', () => {
    const names = defaultRuleset(lists).map((rule) => rule.name);
    assert.deepEqual(names, [
      'SignatureGenerationRule',
      'StackwalkerErrorSignatureRule',
      'BadHardware',
      'OOMSignature',
      'AbortSignature',
      'SignatureShutdownTimeout',
      'SignatureRunWatchDog',
      'SignatureIPCChannelError',
      'SignatureIPCMessageName',
      'StackOverflowSignature',
      'HungProcess',
      'SigPrintableCharsOnly',
      'SigFixWhitespace',
      'SigTruncate',
    ]);
  });

  it('stacks prefixes: later rules end up outermost', () => {
    const input = {
      threads: [threadOf('f')],
      reason: 'STATUS_DEVICE_DATA_ERROR',
      oom_allocation_size: 1e9,
      abort_message: 'boom',
      hang: 'Shutdown',
    };
    assert.equal(
      sign(input).signature,
      'hang: Shutdown | Abort | boom | OOM | large | bad hardware | f',
    );
  });

  it('notes a failing rule and goes on', () => {
    const failing: SignatureRule = {
      name: 'Exploding',
      action: () => {
        throw new Error('kaboom');
      },
    };
    const errors: string[] = [];
    const result = runSignatureRules(
      { threads },
      [...defaultRuleset(lists).slice(0, 1), failing],
      (_e, rule) => errors.push(rule),
    );
    assert.equal(result.signature, 'f');
    assert.deepEqual(result.notes, ['Exploding: Rule failed: kaboom']);
    assert.deepEqual(errors, ['Exploding']);
  });

  it('accepts a custom ruleset', () => {
    const only: SignatureRule = {
      name: 'Fixed',
      action: (_i, r) => r.setSignature('Fixed', 'fixed'),
    };
    assert.equal(generateSignature({}, { ruleset: [only] }).signature, 'fixed');
  });

  it('does not modify its input', () => {
    const input = {
      crashing_thread: 1,
      threads: [threadOf('a'), threadOf('RunWatchdog')],
      async_shutdown_timeout: '{"phase":"p"}',
    };
    const copy = structuredClone(input);
    sign(input);
    assert.deepEqual(input, copy);
  });
});
