/**
 * The body of the SuperSearchFields endpoint: one definition per field, in
 * the shape Socorro's `super_search_fields` gives, so clients written for
 * Socorro read it unchanged.
 */
import { qualifiedPermission } from '../auth/permissions.js';
import { SEARCH_FIELDS, type SearchField } from './fields.js';

/** Socorro's query types; its UI picks operators and inputs from them. */
export type SocorroQueryType = 'string' | 'integer' | 'float' | 'date' | 'bool';

/** Socorro's validation types, named after Python's. */
export type SocorroValidationType =
  'str' | 'int' | 'float' | 'datetime' | 'bool';

/** One field definition as SuperSearchFields returns it. */
export interface SuperSearchFieldDefinition {
  name: string;
  namespace: 'processed_crash';
  in_database_name: string;
  query_type: SocorroQueryType;
  data_validation_type: SocorroValidationType;
  /** Permissions with their app label, e.g. `crashstats.view_pii`. */
  permissions_needed: string[];
  form_field_choices: string[];
  is_exposed: boolean;
  is_returned: boolean;
  has_full_version: boolean;
  /** Socorro's Elasticsearch mapping; CrashStats has none. */
  storage_mapping: null;
  description: string;
}

function socorroTypes(
  field: SearchField,
): [SocorroQueryType, SocorroValidationType] {
  switch (field.type) {
    case 'integer':
      return ['integer', 'int'];
    case 'number':
      return ['float', 'float'];
    case 'datetime':
      return ['date', 'datetime'];
    case 'boolean':
      return ['bool', 'bool'];
    case 'string':
    case 'array':
      return ['string', 'str'];
  }
}

function definition(field: SearchField): SuperSearchFieldDefinition {
  const [queryType, validationType] = socorroTypes(field);
  return {
    name: field.name,
    namespace: 'processed_crash',
    in_database_name: field.storedName,
    query_type: queryType,
    data_validation_type: validationType,
    permissions_needed: field.isProtected
      ? [qualifiedPermission('view_pii')]
      : [],
    form_field_choices: [],
    is_exposed: true,
    is_returned: true,
    has_full_version: false,
    storage_mapping: null,
    description: field.description,
  };
}

/**
 * Every field definition by public name, protected fields included (their
 * `permissions_needed` says what they need). A fresh object on each call.
 */
export function superSearchFields(): Record<
  string,
  SuperSearchFieldDefinition
> {
  return Object.fromEntries(
    SEARCH_FIELDS.map((field) => [field.name, definition(field)]),
  );
}
