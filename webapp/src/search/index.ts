/**
 * Super Search: Socorro's search API over processed crashes, and the field
 * list behind it.
 *
 * @packageDocumentation
 */
export { superSearch } from './supersearch.js';
export type {
  SuperSearchOptions,
  SuperSearchQueryEcho,
  SuperSearchResult,
} from './supersearch.js';
export { superSearchFields } from './definitions.js';
export type {
  SocorroQueryType,
  SocorroValidationType,
  SuperSearchFieldDefinition,
} from './definitions.js';
export { findSearchField, SEARCH_FIELDS } from './fields.js';
export type {
  SearchField,
  SearchFieldType,
  SearchQueryType,
} from './fields.js';
export type { SearchQuery } from './params.js';
