import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  SymbolCache,
  SymbolTable,
  type SymbolEvent,
} from '../../src/symbols/index.js';
import { SymWriter } from '../support/sym-writer.js';

describe('SymbolCache', () => {
  it('evicts least recently used entries to stay within its byte budget', () => {
    const events: SymbolEvent[] = [];
    const cache = new SymbolCache<string>({
      maxBytes: 100,
      onEvent: (e) => events.push(e),
    });
    cache.set('a', 'A', 40);
    cache.set('b', 'B', 40);
    assert.equal(cache.get('a'), 'A'); // a is now the most recent
    cache.set('c', 'C', 40); // over budget: b goes
    assert.equal(cache.has('b'), false);
    assert.equal(cache.has('a'), true);
    assert.equal(cache.has('c'), true);
    assert.equal(cache.bytes, 80);
    assert.equal(cache.size, 2);
    assert.deepEqual(
      events.map((e) => `${e.type}:${'module' in e ? e.module : ''}`),
      ['cache-hit:a', 'cache-evict:b'],
    );
    assert.equal(cache.get('b'), undefined);
    assert.equal(events.at(-1)?.type, 'cache-miss');
  });

  it('evicts several entries for one large value, and never caches one above budget', () => {
    const cache = new SymbolCache<number>({ maxBytes: 100 });
    for (let i = 0; i < 5; i++) {
      cache.set(`k${i}`, i, 20);
    }
    cache.set('big', 99, 70);
    assert.deepEqual(
      ['k0', 'k1', 'k2', 'k3', 'k4', 'big'].map((k) => cache.has(k)),
      [false, false, false, false, true, true],
    );
    cache.set('huge', 1, 101);
    assert.equal(cache.has('huge'), false);
    assert.equal(cache.bytes, 90);
  });

  it('replaces a value under the same key and accounts for its new size', () => {
    const cache = new SymbolCache<string>({ maxBytes: 100 });
    cache.set('a', 'one', 30);
    cache.set('a', 'two', 50);
    assert.equal(cache.bytes, 50);
    assert.equal(cache.get('a'), 'two');
    assert.equal(cache.delete('a'), true);
    assert.equal(cache.delete('a'), false);
    assert.equal(cache.bytes, 0);
    cache.set('b', 'x', 1);
    cache.clear();
    assert.equal(cache.size, 0);
  });

  it('refuses a negative budget', () => {
    assert.throws(() => new SymbolCache({ maxBytes: -1 }), RangeError);
  });

  it('keeps working when an event listener throws', () => {
    const cache = new SymbolCache<string>({
      maxBytes: 10,
      onEvent: () => {
        throw new Error('listener bug');
      },
    });
    cache.set('a', 'A', 5);
    assert.equal(cache.get('a'), 'A');
    assert.equal(cache.get('zz'), undefined);
  });
});

describe('SymbolTable.estimatedBytes', () => {
  it('grows with the content and stays in proportion to the text size', () => {
    const small = SymbolTable.parse(
      new SymWriter({
        os: 'Linux',
        cpu: 'x86',
        debugId: 'AB',
        debugFile: 'x',
      }).toString(),
    );
    const w = new SymWriter({
      os: 'Linux',
      cpu: 'x86',
      debugId: 'AB',
      debugFile: 'x',
    }).file(0, 'f.c');
    for (let i = 0; i < 2000; i++) {
      w.func({
        address: i * 0x100,
        size: 0x100,
        name: `function_number_${i}(int, char const*)`,
        lines: [
          [i * 0x100, 0x80, i, 0],
          [i * 0x100 + 0x80, 0x80, i + 1, 0],
        ],
      });
    }
    const text = w.toString();
    const big = SymbolTable.parse(text);
    assert.ok(small.estimatedBytes < 4096);
    assert.ok(
      big.estimatedBytes > text.length / 2,
      `${big.estimatedBytes} vs ${text.length}`,
    );
    assert.ok(
      big.estimatedBytes < text.length * 4,
      `${big.estimatedBytes} vs ${text.length}`,
    );
  });
});
