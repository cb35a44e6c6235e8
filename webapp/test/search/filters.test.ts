import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findSearchField, type SearchField } from '../../src/search/fields.js';
import {
  parseFieldFilter,
  type FieldFilter,
} from '../../src/search/filter-params.js';
import {
  allOf,
  escapeRegex,
  fieldFilter,
  isoTextBound,
  searchFilter,
} from '../../src/search/filters.js';

function field(name: string): SearchField {
  const found = findSearchField(name);
  assert.ok(found);
  return found;
}

const filterOf = (name: string, ...values: string[]) =>
  fieldFilter(parseFieldFilter(field(name), values));

describe('escapeRegex', () => {
  it('escapes every special character', () => {
    const text = 'a.b*c+d?e(f)g[h]i{j}k|l^m$n\\o/p-q';
    const escaped = escapeRegex(text);
    assert.equal(
      escaped,
      'a\\.b\\*c\\+d\\?e\\(f\\)g\\[h\\]i\\{j\\}k\\|l\\^m\\$n\\\\o\\/p\\-q',
    );
    assert.match(text, new RegExp(`^${escaped}$`));
  });

  it('writes the null character as an escape', () => {
    assert.equal(escapeRegex('a\0b'), 'a\\x00b');
    assert.match('a\0b', new RegExp(escapeRegex('a\0b')));
  });

  it('leaves letters, digits and spaces alone', () => {
    assert.equal(escapeRegex('OOM small 42'), 'OOM small 42');
  });
});

describe('fieldFilter', () => {
  it('matches plain values exactly, any of them', () => {
    assert.deepEqual(filterOf('version', '128.0'), { version: '128.0' });
    assert.deepEqual(filterOf('version', '128.0', '127.0'), {
      version: { $in: ['128.0', '127.0'] },
    });
    assert.deepEqual(filterOf('version', '!128.0', '!127.0'), {
      version: { $nin: ['128.0', '127.0'] },
    });
  });

  it('matches plain values of text fields ignoring case', () => {
    assert.deepEqual(filterOf('proto_signature', 'OOM | small'), {
      proto_signature: { $regex: '^OOM \\| small$', $options: 'i' },
    });
    assert.deepEqual(filterOf('reason', 'SIGSEGV', 'SIGBUS'), {
      $or: [
        { reason: { $regex: '^SIGSEGV$', $options: 'i' } },
        { reason: { $regex: '^SIGBUS$', $options: 'i' } },
      ],
    });
    assert.deepEqual(filterOf('reason', '!SIGSEGV'), {
      $nor: [{ reason: { $regex: '^SIGSEGV$', $options: 'i' } }],
    });
  });

  it('matches plain values of signature, product and platform exactly, as Socorro does', () => {
    assert.deepEqual(filterOf('signature', 'OOM | small'), {
      signature: 'OOM | small',
    });
    assert.deepEqual(filterOf('platform', 'Linux', 'Mac OS X'), {
      os_name: { $in: ['Linux', 'Mac OS X'] },
    });
    assert.deepEqual(filterOf('product', '!Firefox', '!Fenix'), {
      product: { $nin: ['Firefox', 'Fenix'] },
    });
  });

  it('builds each string operator', () => {
    assert.deepEqual(filterOf('signature', '=OOM'), { signature: 'OOM' });
    assert.deepEqual(filterOf('signature', '!=OOM'), {
      signature: { $ne: 'OOM' },
    });
    assert.deepEqual(filterOf('signature', '~a.b'), {
      signature: { $regex: 'a\\.b' },
    });
    assert.deepEqual(filterOf('signature', '^a.b'), {
      signature: { $regex: '^a\\.b' },
    });
    assert.deepEqual(filterOf('signature', '$a.b'), {
      signature: { $regex: 'a\\.b$' },
    });
    assert.deepEqual(filterOf('signature', '@OOM.*'), {
      signature: { $regex: '^(?:OOM.*)$' },
    });
    assert.deepEqual(filterOf('signature', '!~a'), {
      signature: { $not: { $regex: 'a' } },
    });
  });

  it('builds null and true checks', () => {
    assert.deepEqual(filterOf('address', '__null__'), { address: null });
    assert.deepEqual(filterOf('address', '!__null__'), {
      address: { $ne: null },
    });
    assert.deepEqual(filterOf('success', '__true__'), { success: true });
    assert.deepEqual(filterOf('success', '!__true__'), {
      success: { $ne: true },
    });
    assert.deepEqual(filterOf('success', 'false'), { success: false });
  });

  it('ANDs ranges and ORs the rest', () => {
    assert.deepEqual(filterOf('uptime', '>10', '<=100'), {
      $and: [{ uptime: { $gt: 10 } }, { uptime: { $lte: 100 } }],
    });
    assert.deepEqual(filterOf('uptime', '5', '__null__', '>=1'), {
      $and: [
        { $or: [{ uptime: null }, { uptime: 5 }] },
        { uptime: { $gte: 1 } },
      ],
    });
    assert.deepEqual(filterOf('uptime', '!>10'), {
      uptime: { $not: { $gt: 10 } },
    });
  });

  it('compares BSON dates as dates', () => {
    assert.deepEqual(filterOf('date', '>=2026-12-01'), {
      date_processed: { $gte: new Date('2026-12-01T00:00:00Z') },
    });
  });

  it('compares text datetimes as text, to the millisecond', () => {
    assert.deepEqual(filterOf('completed_datetime', '>=2026-12-01'), {
      completed_datetime: { $gte: '2026-12-01T00:00:00' },
    });
    assert.deepEqual(
      filterOf('completed_datetime', '<2026-12-01T10:00:00.5Z'),
      {
        completed_datetime: { $lt: '2026-12-01T10:00:00.500' },
      },
    );
    assert.deepEqual(filterOf('completed_datetime', '>2026-12-01'), {
      completed_datetime: { $gte: '2026-12-01T00:00:00.001' },
    });
    assert.deepEqual(filterOf('completed_datetime', '<=2026-12-01'), {
      completed_datetime: { $lt: '2026-12-01T00:00:00.001' },
    });
  });

  it('turns a version ending in b into a prefix match', () => {
    assert.deepEqual(filterOf('version', '128.0b'), {
      version: { $regex: '^128\\.0b' },
    });
    assert.deepEqual(filterOf('version', '128.0b', '127.0'), {
      $or: [{ version: { $regex: '^128\\.0b' } }, { version: '127.0' }],
    });
    assert.deepEqual(filterOf('version', '!128.0b'), {
      version: { $not: { $regex: '^128\\.0b' } },
    });
    assert.deepEqual(filterOf('version', '=128.0b'), { version: '128.0b' });
  });

  it('keeps user text out of operator positions', () => {
    const built = filterOf(
      'proto_signature',
      '={"$gt":""}',
      '{"$where":"1"}',
      '~$ne',
    );
    const keys: string[] = [];
    const walk = (value: unknown): void => {
      if (value && typeof value === 'object' && !(value instanceof Date)) {
        for (const [key, inner] of Object.entries(value)) {
          keys.push(key);
          walk(inner);
        }
      }
    };
    walk(built);
    const operatorKeys = keys.filter((k) => k.startsWith('$')).sort();
    assert.deepEqual([...new Set(operatorKeys)], ['$options', '$or', '$regex']);
    assert.deepEqual(built, {
      $or: [
        { proto_signature: '{"$gt":""}' },
        { proto_signature: { $regex: '\\$ne' } },
        {
          proto_signature: {
            $regex: '^\\{"\\$where":"1"\\}$',
            $options: 'i',
          },
        },
      ],
    });
  });
});

describe('searchFilter', () => {
  const filters: FieldFilter[] = [
    parseFieldFilter(field('product'), ['Firefox']),
    parseFieldFilter(field('uptime'), ['>1', '<9']),
    parseFieldFilter(field('version'), []),
  ];

  it('ANDs the fields, lifting nested ANDs', () => {
    assert.deepEqual(searchFilter(filters), {
      $and: [
        { product: 'Firefox' },
        { uptime: { $gt: 1 } },
        { uptime: { $lt: 9 } },
      ],
    });
  });

  it('is empty without conditions', () => {
    assert.deepEqual(searchFilter([]), {});
    assert.deepEqual(allOf([{ a: 1 }]), { a: 1 });
  });
});

describe('isoTextBound', () => {
  it('cuts at the seconds or the milliseconds', () => {
    assert.equal(
      isoTextBound(new Date('2026-12-01T10:00:00Z')),
      '2026-12-01T10:00:00',
    );
    assert.equal(
      isoTextBound(new Date('2026-12-01T10:00:00.020Z')),
      '2026-12-01T10:00:00.020',
    );
  });
});
