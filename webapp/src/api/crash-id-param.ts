/**
 * The `crash_id` parameter: with or without the `bp-` prefix, validated as
 * a Socorro crash id.
 */
import {
  isValidCrashId,
  stripCrashIdPrefix,
  type CrashId,
} from '@crashstats/common';
import { invalidParameters } from './errors.js';
import { requiredParam, type Params } from './params.js';

/** Parses one crash id, or throws 400 naming the parameter. */
export function parseCrashId(value: string, parameter = 'crash_id'): CrashId {
  const id = stripCrashIdPrefix(value.trim().toLowerCase());
  if (!isValidCrashId(id)) {
    throw invalidParameters({
      [parameter]: [`Invalid crash id: ${JSON.stringify(value)}`],
    });
  }
  return id;
}

/** The required `crash_id` parameter. */
export function crashIdParam(params: Params): CrashId {
  return parseCrashId(requiredParam(params, 'crash_id'));
}
