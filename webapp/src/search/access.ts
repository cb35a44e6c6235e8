/**
 * Who may use which field. SuperSearch never allows protected fields;
 * SuperSearchUnredacted allows them to callers holding `view_pii`. The same
 * check guards filters, columns, sort keys and every aggregation.
 */
import { badRequest, invalidParameters } from '../api/errors.js';
import { hasPermission, type Principal } from '../auth/permissions.js';
import { findSearchField, type SearchField } from './fields.js';

/** The caller and the endpoint they called. */
export interface SearchAccess {
  readonly principal: Principal;
  /** True for SuperSearchUnredacted. */
  readonly unredacted: boolean;
}

/** True when the caller may filter on, return and aggregate the field. */
export function mayUseField(field: SearchField, access: SearchAccess): boolean {
  return (
    !field.isProtected ||
    (access.unredacted && hasPermission(access.principal, 'view_pii'))
  );
}

/** Why a protected field was refused, naming it and what it needs. */
export function deniedFieldMessage(
  field: SearchField,
  access: SearchAccess,
): string {
  return access.unredacted
    ? `Field '${field.name}' requires the 'view_pii' permission`
    : `Field '${field.name}' is protected: use SuperSearchUnredacted ` +
        `with the 'view_pii' permission`;
}

/**
 * Where a field name was read: the parameter, and whether the name is part
 * of the parameter's key (`platform=...`, `_aggs.platform`) or one of its
 * values (`_columns=platform`).
 */
export interface FieldSource {
  readonly param: string;
  readonly inKey: boolean;
}

function unknownMessage(name: string, source: FieldSource): string {
  if (!source.inKey) {
    return `Unknown field '${name}'`;
  }
  return name === source.param
    ? `Unknown parameter '${name}'`
    : `Unknown field '${name}' in parameter '${source.param}'`;
}

/**
 * The field with this public name, when the caller may use it. Throws a
 * 400 naming the field otherwise: `{"error": ...}` for a name in a
 * parameter's key, `{"errors": {param: [...]}}` for a name in its value.
 */
export function resolveField(
  name: string,
  access: SearchAccess,
  source: FieldSource,
): SearchField {
  const field = findSearchField(name);
  if (field !== undefined && mayUseField(field, access)) {
    return field;
  }
  const message =
    field === undefined
      ? unknownMessage(name, source)
      : deniedFieldMessage(field, access);
  throw source.inKey
    ? badRequest(message)
    : invalidParameters({ [source.param]: [message] });
}
