import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signatureFromFrames } from '../../src/signature/stack-signature.js';
import { makeLists } from './support.js';

const LISTS = makeLists({
  irrelevant: ['a', 'b', 'c', '@0x[0-9a-f]{2,}'],
  prefix: ['d', 'e', 'f', 'lib'],
  sentinels: [
    'sentinel',
    { frame: 'sentinel2', when: (frames) => frames.includes('ff') },
  ],
});
const letters = (text: string) => [...text];

describe('signatureFromFrames', () => {
  it('skips irrelevant frames, keeps prefixes, stops at the first other frame', () => {
    assert.equal(
      signatureFromFrames(letters('abcdefghij'), 0, LISTS).signature,
      'd | e | f | g',
    );
    assert.equal(
      signatureFromFrames(letters('abcdaeafagahij'), 0, LISTS).signature,
      'd | e | f | g',
    );
  });

  it('matches list entries at the start of the frame only', () => {
    const lists = makeLists({ irrelevant: ['skip'] });
    const frames = ['skipped', 'xskip'];
    assert.equal(signatureFromFrames(frames, 0, lists).signature, 'xskip');
  });

  it('starts at the earliest sentinel', () => {
    const frames = letters('abcdefg');
    frames.splice(2, 0, 'sentinel');
    frames.push('sentinel');
    const result = signatureFromFrames(frames, 0, LISTS);
    assert.equal(result.signature, 'sentinel');
    assert.ok(result.debug.some((line) => line.includes('index 2')));
  });

  it('still skips a sentinel that is also irrelevant', () => {
    const lists = makeLists({
      irrelevant: ['a', 'sentinel'],
      prefix: ['d'],
      sentinels: ['sentinel'],
    });
    const frames = ['x', 'sentinel', 'a', 'd', 'y'];
    assert.equal(signatureFromFrames(frames, 0, lists).signature, 'd | y');
  });

  it('applies a conditional sentinel only when its condition holds', () => {
    const frames = ['x', 'sentinel2', 'y'];
    assert.equal(signatureFromFrames(frames, 0, LISTS).signature, 'x');
    assert.equal(
      signatureFromFrames([...frames, 'ff'], 0, LISTS).signature,
      'sentinel2',
    );
  });

  it('collapses repeats of library-like frames', () => {
    // foo32.dll is a prefix here ('f'); repeats compare case-sensitively.
    const frames = ['d', 'foo32.dll', 'foo32.dll', 'FOO32.DLL', 'g'];
    assert.equal(
      signatureFromFrames(frames, 0, LISTS).signature,
      'd | foo32.dll | FOO32.DLL',
    );
    const lists = makeLists({ prefix: ['.*'] });
    const repeated = [
      'x.so',
      'x.so',
      'XUL',
      'XUL',
      '<name omitted>',
      '<name omitted>',
      '<unknown in a>',
      '<unknown in a>',
      'z',
      'z',
    ];
    assert.equal(
      signatureFromFrames(repeated, 0, lists).signature,
      'x.so | XUL | <name omitted> | <unknown in a> | z | z',
    );
  });

  it('never collapses unloaded-module frames', () => {
    const lists = makeLists({ prefix: ['.*'] });
    const frames = ['(unloaded a.dll)', '(unloaded a.dll)'];
    assert.equal(
      signatureFromFrames(frames, 0, lists).signature,
      '(unloaded a.dll) | (unloaded a.dll)',
    );
  });

  it('skips empty frames', () => {
    assert.equal(
      signatureFromFrames(['', 'd', '', 'g'], 0, LISTS).signature,
      'd | g',
    );
  });

  it('falls back to the first frame when every frame was skipped', () => {
    const result = signatureFromFrames(['a', 'b', '@0x1234'], 3, LISTS);
    assert.equal(result.signature, 'a');
    assert.deepEqual(result.notes, [
      'CSignatureTool: no frame data for crashing thread (3)',
    ]);
  });

  it('explains an empty stack', () => {
    const result = signatureFromFrames([], 0, LISTS);
    assert.equal(result.signature, 'EMPTY: no frame data available');
    assert.deepEqual(result.notes, [
      'CSignatureTool: no frame data for crashing thread (0)',
    ]);
  });

  it('explains a missing crashing thread', () => {
    const result = signatureFromFrames([], null, LISTS);
    assert.equal(result.signature, 'EMPTY: no crashing thread identified');
    assert.deepEqual(result.notes, [
      'CSignatureTool: no crashing thread identified',
    ]);
  });
});
