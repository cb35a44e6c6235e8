import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CRASH_FIELDS } from '@crashstats/common';
import { ApiError } from '../../src/api/errors.js';
import { ANONYMOUS } from '../../src/auth/permissions.js';
import {
  deniedFieldMessage,
  mayUseField,
  resolveField,
} from '../../src/search/access.js';
import { findSearchField, isHistogramField } from '../../src/search/fields.js';
import { SEARCH_FIELDS, superSearchFields } from '../../src/search/index.js';
import { tokenPrincipal } from './support/crashes.js';

function field(name: string) {
  const found = findSearchField(name);
  assert.ok(found, `field ${name}`);
  return found;
}

describe('SEARCH_FIELDS', () => {
  it('holds every processed field except objects', () => {
    const expected = CRASH_FIELDS.filter(
      (f) => f.namespace === 'processed' && f.type !== 'object',
    ).map((f) => f.name);
    assert.deepEqual(
      SEARCH_FIELDS.map((f) => f.storedName),
      expected,
    );
    assert.equal(findSearchField('json_dump'), undefined);
    assert.equal(findSearchField('collector_metadata'), undefined);
    assert.equal(findSearchField('ProductName'), undefined, 'no raw fields');
  });

  it("uses Socorro's public names", () => {
    const renamed = {
      date: 'date_processed',
      platform: 'os_name',
      platform_version: 'os_version',
      platform_pretty_version: 'os_pretty_version',
      build_id: 'build',
    };
    for (const [name, stored] of Object.entries(renamed)) {
      assert.equal(field(name).storedName, stored);
      assert.equal(findSearchField(stored), undefined, `${stored} is hidden`);
    }
    assert.equal(field('signature').storedName, 'signature');
    assert.equal(field('uuid').storedName, 'uuid');
  });

  it('maps schema types to query types', () => {
    assert.equal(field('signature').queryType, 'string');
    assert.equal(field('addons').queryType, 'string');
    assert.equal(field('addons').type, 'array');
    assert.equal(field('uptime').queryType, 'number');
    assert.equal(field('date').queryType, 'date');
    assert.equal(field('completed_datetime').queryType, 'date');
    assert.equal(field('success').queryType, 'bool');
  });

  it('marks protected fields, text fields and date storage', () => {
    const protectedNames = SEARCH_FIELDS.filter((f) => f.isProtected)
      .map((f) => f.name)
      .sort();
    assert.deepEqual(protectedNames, [
      'app_notes',
      'breadcrumbs',
      'java_stack_trace_raw',
      'moz_crash_reason_raw',
      'phc_alloc_stack',
      'phc_base_address',
      'phc_free_stack',
      'phc_kind',
      'phc_usable_size',
      'signature_debug',
      'soft_errors',
      'submitted_from_infobar',
      'url',
      'user_comments',
    ]);
    // Exact terms, as in Socorro; analysed text fields match ignoring case.
    assert.equal(field('signature').isText, false);
    assert.equal(field('product').isText, false);
    assert.equal(field('platform').isText, false);
    assert.equal(field('proto_signature').isText, true);
    assert.equal(field('reason').isText, true);
    assert.equal(field('version').isText, false);
    assert.equal(field('date').dateStorage, 'bson');
    assert.equal(field('completed_datetime').dateStorage, 'text');
    assert.equal(field('uptime').dateStorage, undefined);
  });

  it('allows histograms on numbers and dates only', () => {
    assert.equal(isHistogramField(field('uptime')), true);
    assert.equal(isHistogramField(field('date')), true);
    assert.equal(isHistogramField(field('product')), false);
    assert.equal(isHistogramField(field('success')), false);
  });
});

describe('superSearchFields', () => {
  it("gives Socorro's definition of each field", () => {
    const all = superSearchFields();
    assert.deepEqual(
      Object.keys(all),
      SEARCH_FIELDS.map((f) => f.name),
    );
    assert.deepEqual(all.platform, {
      name: 'platform',
      namespace: 'processed_crash',
      in_database_name: 'os_name',
      query_type: 'string',
      data_validation_type: 'str',
      permissions_needed: [],
      form_field_choices: [],
      is_exposed: true,
      is_returned: true,
      has_full_version: false,
      storage_mapping: null,
      description: 'Operating system name.',
    });
  });

  it('names the permission of protected fields', () => {
    const all = superSearchFields();
    assert.deepEqual(all.url?.permissions_needed, ['crashstats.view_pii']);
    assert.deepEqual(all.signature?.permissions_needed, []);
  });

  it("uses Socorro's query and validation types", () => {
    const all = superSearchFields();
    const types = (name: string) => [
      all[name]?.query_type,
      all[name]?.data_validation_type,
    ];
    assert.deepEqual(types('uptime'), ['integer', 'int']);
    assert.deepEqual(types('date'), ['date', 'datetime']);
    assert.deepEqual(types('success'), ['bool', 'bool']);
    assert.deepEqual(types('addons'), ['string', 'str']);
  });

  it('returns a fresh object each time', () => {
    const first = superSearchFields();
    delete first.signature;
    assert.ok(superSearchFields().signature);
  });
});

describe('field access', () => {
  const url = field('url');
  const pii = tokenPrincipal(['view_pii']);
  const other = tokenPrincipal(['view_rawdump']);

  it('allows public fields to everyone', () => {
    const signature = field('signature');
    assert.equal(
      mayUseField(signature, { principal: ANONYMOUS, unredacted: false }),
      true,
    );
  });

  it('allows protected fields only unredacted, with view_pii', () => {
    assert.equal(mayUseField(url, { principal: pii, unredacted: true }), true);
    assert.equal(
      mayUseField(url, { principal: pii, unredacted: false }),
      false,
    );
    assert.equal(
      mayUseField(url, { principal: other, unredacted: true }),
      false,
    );
    assert.equal(
      mayUseField(url, { principal: ANONYMOUS, unredacted: true }),
      false,
    );
  });

  it('explains a refusal by endpoint', () => {
    assert.equal(
      deniedFieldMessage(url, { principal: pii, unredacted: false }),
      "Field 'url' is protected: use SuperSearchUnredacted with the 'view_pii' permission",
    );
    assert.equal(
      deniedFieldMessage(url, { principal: other, unredacted: true }),
      "Field 'url' requires the 'view_pii' permission",
    );
  });

  it('throws errors shaped by where the name was read', () => {
    const access = { principal: ANONYMOUS, unredacted: false };
    const bodyOf = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        assert.ok(error instanceof ApiError);
        assert.equal(error.status, 400);
        return error.body;
      }
      assert.fail('no error');
    };
    assert.deepEqual(
      bodyOf(() =>
        resolveField('nope', access, { param: 'nope', inKey: true }),
      ),
      { error: "Bad request: Unknown parameter 'nope'" },
    );
    assert.deepEqual(
      bodyOf(() =>
        resolveField('nope', access, { param: '_aggs.nope', inKey: true }),
      ),
      { error: "Bad request: Unknown field 'nope' in parameter '_aggs.nope'" },
    );
    assert.deepEqual(
      bodyOf(() =>
        resolveField('nope', access, { param: '_columns', inKey: false }),
      ),
      { errors: { _columns: ["Unknown field 'nope'"] } },
    );
    assert.deepEqual(
      bodyOf(() => resolveField('url', access, { param: 'url', inKey: true })),
      {
        error:
          "Bad request: Field 'url' is protected: use SuperSearchUnredacted with the 'view_pii' permission",
      },
    );
    assert.equal(
      resolveField(
        'url',
        { principal: pii, unredacted: true },
        {
          param: '_columns',
          inKey: false,
        },
      ),
      url,
    );
  });
});
