/**
 * The permission sweep: for every protected field of the crash schema, a
 * crash carries a unique marker value in it, and no request without
 * view_pii, to any endpoint the OpenAPI document lists, with any field as
 * filter, column, sort, facet, aggregation, histogram or cardinality,
 * answers with a marker or with a count that depends on a protected
 * value. Driven by the schema and the document, not by a list written
 * here; a control run with view_pii finds every marker, so the sweep can
 * see a leak.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { CRASH_FIELDS, type CrashField } from '@crashstats/common';
import { SEARCH_FIELDS } from '../../src/search/index.js';
import { startWebappHarness, type WebappHarness } from '../support/harness.js';

const PROTECTED = CRASH_FIELDS.filter((f) => f.access === 'protected');
/** A raw annotation the schema does not know: protected by default. */
const UNKNOWN_ANNOTATION = 'SomeVendorSecret';

/** A marker per protected field, and the stored value that carries it. */
function markerValue(field: CrashField, marker: string): unknown {
  switch (field.type) {
    case 'integer':
    case 'number':
      return Number.parseInt(
        marker.replace(/\D/g, '').slice(0, 12).padEnd(12, '7'),
        10,
      );
    case 'array':
      return [marker];
    case 'object':
      return { inner: marker };
    case 'boolean':
      return true;
    default:
      return marker;
  }
}

/**
 * The text that shows the value in an answer: the marker itself; a number
 * as written; for a boolean, which no marker fits in, its key and value as
 * JSON writes them.
 */
function markerText(field: CrashField, value: unknown, marker: string): string {
  if (typeof value === 'number') {
    return String(value);
  }
  if (typeof value === 'boolean') {
    return `"${field.name.split('.').at(-1) ?? field.name}":${String(value)}`;
  }
  return marker;
}

/** Sets `a.b.c` in a nested object. */
function setPath(
  target: Record<string, unknown>,
  path: string,
  value: unknown,
): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node = (node[part] ??= {}) as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
}

interface Probe {
  path: string;
  /** Whether the answer may be a success (false: must be refused). */
  mayAnswer: boolean;
}

describe(
  'permission sweep over every protected field',
  { timeout: 300_000 },
  () => {
    let h: WebappHarness;
    let crashId: string;
    let noPii: string;
    let pii: string;
    /** Text a response must never contain without view_pii. */
    const markers = new Map<string, string>();

    before(async () => {
      h = await startWebappHarness({
        WEBAPP_RATE_LIMIT_ANONYMOUS: '0',
        WEBAPP_RATE_LIMIT_AUTHENTICATED: '0',
      });
      // Every permission but view_pii.
      noPii = await h.tokenWith([
        'view_rawdump',
        'reprocess_crashes',
        'upload_symbols',
      ]);
      pii = await h.tokenWith(['view_pii']);
      const raw: Record<string, unknown> = {
        ProductName: 'Sweep',
        Version: '1.0',
      };
      const processed: Record<string, unknown> = {};
      for (const field of PROTECTED) {
        const marker = `PII${randomBytes(6).toString('hex')}`;
        const value = markerValue(field, marker);
        markers.set(
          `${field.namespace}:${field.name}`,
          markerText(field, value, marker),
        );
        setPath(field.namespace === 'raw' ? raw : processed, field.name, value);
      }
      const unknownMarker = `PII${randomBytes(6).toString('hex')}`;
      raw[UNKNOWN_ANNOTATION] = unknownMarker;
      markers.set(`raw:${UNKNOWN_ANNOTATION}`, unknownMarker);
      crashId = await h.storeRawCrash(raw, {
        upload_file_minidump: Buffer.from('MDMP'),
      });
      await h.storeProcessed({
        ...processed,
        uuid: crashId,
        product: 'Sweep',
        version: '1.0',
        signature: 'Sweep | signature',
        os_name: 'Linux',
        date_processed: new Date(),
      });
    });
    after(async () => {
      await h[Symbol.asyncDispose]();
    });

    /** Every request to try: each endpoint of the document, and Super Search with each field in each role. */
    async function probes(): Promise<Probe[]> {
      const doc = (await h.call('/api/openapi.json')).json as {
        paths: Record<
          string,
          Record<
            string,
            {
              parameters?: {
                name: string;
                required?: boolean;
                example?: unknown;
              }[];
            }
          >
        >;
      };
      const out: Probe[] = [];
      const fill = (name: string, example: unknown): string => {
        if (name === 'crash_id' || name === 'crash_ids') {
          return crashId;
        }
        if (name === 'product') {
          return 'Sweep';
        }
        const v: unknown = Array.isArray(example)
          ? (example as unknown[])[0]
          : example;
        return typeof v === 'string' || typeof v === 'number' ? String(v) : 'x';
      };
      for (const [path, ops] of Object.entries(doc.paths)) {
        const get = ops.get;
        if (get === undefined) {
          continue;
        }
        const required = (get.parameters ?? []).filter((p) => p.required);
        const query = new URLSearchParams(
          required.map((p): [string, string] => [
            p.name,
            fill(p.name, p.example),
          ]),
        );
        out.push({ path: `${path}?${query.toString()}`, mayAnswer: true });
        // The crash's own id in every endpoint that names a crash.
        if ((get.parameters ?? []).some((p) => p.name === 'crash_id')) {
          out.push({
            path: `${path}?crash_id=${crashId}&format=meta`,
            mayAnswer: true,
          });
          out.push({
            path: `${path}?crash_id=${crashId}&format=raw`,
            mayAnswer: true,
          });
        }
      }
      // Super Search with every protected field in every role, and every
      // known raw annotation as a would-be field.
      const names = new Set([
        ...SEARCH_FIELDS.filter((f) => f.isProtected).map((f) => f.name),
        ...PROTECTED.map((f) => f.name),
        UNKNOWN_ANNOTATION,
      ]);
      for (const endpoint of ['SuperSearch', 'SuperSearchUnredacted']) {
        const base = `/api/${endpoint}/?product=Sweep`;
        for (const name of names) {
          const marker =
            markers.get(`processed:${name}`) ??
            markers.get(`raw:${name}`) ??
            'PII';
          const roles = [
            `${name}=${encodeURIComponent(marker)}`,
            `${name}=${encodeURIComponent(`~${marker.slice(0, 6)}`)}`,
            `${name}=__null__`,
            `${name}=!__null__`,
            `_columns=${name}`,
            `_sort=${name}`,
            `_facets=${name}`,
            `_facets=_cardinality.${name}`,
            `_aggs.signature=${name}`,
            `_aggs.${name}=signature`,
            `_histogram.date=${name}`,
            `_cardinality.${name}=1`,
          ];
          for (const role of roles) {
            out.push({ path: `${base}&${role}`, mayAnswer: false });
          }
        }
        out.push({
          path: `${base}&_columns=uuid&_return_query=1`,
          mayAnswer: true,
        });
      }
      return out;
    }

    function leaks(text: string): string[] {
      return [...markers]
        .filter(([, marker]) => text.includes(marker))
        .map(([field]) => field);
    }

    for (const who of ['anonymous', 'a token without view_pii'] as const) {
      it(`gives ${who} no protected value, through any endpoint or search role`, async () => {
        const list = await probes();
        assert.ok(list.length > 200, `only ${list.length} probes`);
        const token = who === 'anonymous' ? undefined : noPii;
        const failures: string[] = [];
        for (const probe of list) {
          const res = await h.call(
            probe.path,
            token === undefined ? {} : { token },
          );
          const leaked = leaks(res.text);
          if (leaked.length > 0) {
            failures.push(
              `${probe.path}: ${res.status} leaks ${leaked.join(', ')}`,
            );
          }
          if (!probe.mayAnswer && res.status < 400) {
            failures.push(
              `${probe.path}: answered ${res.status} for a protected field`,
            );
          }
          if (res.status >= 500) {
            failures.push(`${probe.path}: ${res.status}`);
          }
        }
        assert.deepEqual(failures, []);
      });
    }

    it('finds every marker with view_pii (the sweep can see a leak)', async () => {
      const processed = await h.call(
        `/api/ProcessedCrash/?crash_id=${crashId}`,
        { token: pii },
      );
      const raw = await h.call(`/api/RawCrash/?crash_id=${crashId}`, {
        token: pii,
      });
      const seen = new Set([...leaks(processed.text), ...leaks(raw.text)]);
      assert.deepEqual(
        [...markers.keys()].filter((k) => !seen.has(k)),
        [],
      );
      const search = await h.call(
        `/api/SuperSearchUnredacted/?product=Sweep&_columns=url&_columns=user_comments`,
        {
          token: pii,
        },
      );
      assert.equal(search.status, 200, search.text);
      assert.ok(leaks(search.text).includes('processed:url'));
    });
  },
);
