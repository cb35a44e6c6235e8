import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  debugFileLeaf,
  normalizeDebugId,
  symbolKey,
  symFileName,
} from '@crashstats/common';
import { symName } from '../support/sym-writer.js';

describe('symbol-server layout', () => {
  it('names .sym files as symbol servers do', () => {
    const cases: Array<[string, string]> = [
      ['test_app.pdb', 'test_app.sym'],
      ['KERNEL32.PDB', 'KERNEL32.sym'],
      ['libc.so.6', 'libc.so.6.sym'],
      ['Electron Framework', 'Electron Framework.sym'],
      ['crash-client', 'crash-client.sym'],
      ['app.pdb.exe', 'app.pdb.exe.sym'],
    ];
    for (const [debugFile, want] of cases) {
      assert.equal(symFileName(debugFile), want, debugFile);
      assert.equal(symName(debugFile), want, `test helper: ${debugFile}`);
    }
  });

  it('keeps only the last path component, with either separator', () => {
    assert.equal(debugFileLeaf('c:\\build\\out\\app.pdb'), 'app.pdb');
    assert.equal(debugFileLeaf('/usr/lib/libc.so.6'), 'libc.so.6');
    assert.equal(debugFileLeaf('plain'), 'plain');
    assert.equal(
      symbolKey('C:\\x\\foo.pdb', 'ab-cd')?.path,
      'foo.pdb/ABCD/foo.sym',
    );
  });

  it('uppercases ids and drops dashes; refuses non-hex ids', () => {
    assert.equal(
      normalizeDebugId('5a9832e5-2872-41c1-838e-d98914e9b7ff-1'),
      '5A9832E5287241C1838ED98914E9B7FF1',
    );
    assert.equal(normalizeDebugId(''), undefined);
    assert.equal(normalizeDebugId('xyz'), undefined);
    assert.equal(normalizeDebugId('0'.repeat(65)), undefined);
  });

  it('builds keys, and none for names that cannot be files', () => {
    assert.deepEqual(
      symbolKey('libc.so.6', 'bba6fa10b8aab33d00000000000000000'),
      {
        debugFile: 'libc.so.6',
        debugId: 'BBA6FA10B8AAB33D00000000000000000',
        symFile: 'libc.so.6.sym',
        path: 'libc.so.6/BBA6FA10B8AAB33D00000000000000000/libc.so.6.sym',
        id: 'libc.so.6/BBA6FA10B8AAB33D00000000000000000',
      },
    );
    for (const bad of ['', '..', '.', 'dir/', 'a\u0000b', 'tab\there']) {
      assert.equal(symbolKey(bad, 'AB'), undefined, JSON.stringify(bad));
    }
    assert.equal(symbolKey('ok', '../AB'), undefined);
  });
});
