/**
 * Request parameters as Socorro's API takes them: query-string keys, and for
 * POST also form or JSON body fields, each key holding a list of values
 * (`?signatures=a&signatures=b`).
 */
import { invalidParameters } from './errors.js';

/** Parameters by name, every value a list. */
export type Params = Readonly<Record<string, readonly string[]>>;

/** Values of a parsed query string or form body, as Koa gives them. */
type RawValues = Record<string, string | string[] | undefined>;

/** Merges query and body parameters; JSON arrays and scalars become lists. */
export function collectParams(query: RawValues, body: unknown): Params {
  const out: Record<string, string[]> = {};
  const add = (key: string, value: unknown) => {
    if (value === undefined || value === null) {
      return;
    }
    const values = Array.isArray(value) ? (value as unknown[]) : [value];
    for (const v of values) {
      if (
        typeof v === 'string' ||
        typeof v === 'number' ||
        typeof v === 'boolean'
      ) {
        (out[key] ??= []).push(String(v));
      }
    }
  };
  for (const [key, value] of Object.entries(query)) {
    add(key, value);
  }
  if (body !== null && typeof body === 'object' && !Array.isArray(body)) {
    for (const [key, value] of Object.entries(body)) {
      add(key, value);
    }
  }
  return out;
}

/** The one value of a parameter; 400 when required and absent. */
export function requiredParam(params: Params, name: string): string {
  const value = params[name]?.[0]?.trim();
  if (value === undefined || value === '') {
    throw invalidParameters({ [name]: ['This field is required.'] });
  }
  return value;
}

/** The one value of an optional parameter. */
export function optionalParam(
  params: Params,
  name: string,
): string | undefined {
  const value = params[name]?.[0]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/** Every non-empty value of a list parameter; 400 when required and empty. */
export function listParam(
  params: Params,
  name: string,
  { required = false }: { required?: boolean } = {},
): string[] {
  const values = (params[name] ?? [])
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (required && values.length === 0) {
    throw invalidParameters({ [name]: ['This field is required.'] });
  }
  return values;
}

/** Several required parameters; a 400 lists every one that is absent. */
export function requiredParams<const N extends readonly string[]>(
  params: Params,
  names: N,
): Record<N[number], string> {
  const out: Record<string, string> = {};
  const missing: Record<string, string[]> = {};
  for (const name of names) {
    const value = optionalParam(params, name);
    if (value === undefined) {
      missing[name] = ['This field is required.'];
    } else {
      out[name] = value;
    }
  }
  if (Object.keys(missing).length > 0) {
    throw invalidParameters(missing);
  }
  return out;
}
