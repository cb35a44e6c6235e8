/**
 * Normalization of symbolicated function names, one rule set for C/C++ and
 * one for Rust, so the same function gets the same signature frame across
 * builds, compilers and template instantiations.
 */
import {
  collapseTemplateArguments,
  dropArgumentLists,
  dropPrefixAndReturnType,
  replaceEnclosedGroups,
} from './enclosed.js';
import { pyStr, pyStrip } from './python.js';

/**
 * Trailing cv/ref qualifiers of member functions, checked once each in this
 * order (so `f() const &` loses `const &`).
 */
const QUALIFIER_SUFFIXES = ['const', 'const&', 'const &', '&&', '&'] as const;

const LAMBDA_NUMBER = /::\$_\d+::/g;
const SPACE_BEFORE_POINTER = / (?=[*&,])/g;
const COMMA_WITHOUT_SPACE = /,(?! )/g;
const RUST_HASH_SUFFIX = /::h[0-9a-fA-F]+$/;

/** Line numbers and spacing shared by both languages. */
function finish(name: string, line: unknown, lineNumbers: RegExp): string {
  let out = name;
  if (lineNumbers.test(out)) {
    out = `${out}:${pyStr(line)}`;
  }
  out = out.replace(SPACE_BEFORE_POINTER, '');
  return out.replace(COMMA_WITHOUT_SPACE, ', ');
}

/**
 * Normalizes a C/C++ function name: drops qualifiers, keywords and the return
 * type (except for `::operator` names), rewrites the quoted anonymous
 * namespace (a backtick, `anonymous namespace`, an apostrophe) to
 * `(anonymous namespace)` and lambda numbers `::$_12::` to `::$::`,
 * collapses templates to `<T>`, drops argument lists and `[clone .cold.N]`.
 *
 * @param name - the frame's function
 * @param line - the frame's line, appended when `lineNumbers` matches
 * @param lineNumbers - the line-number list
 */
export function normalizeCppFunction(
  name: string,
  line: unknown,
  lineNumbers: RegExp,
): string {
  let out = name;
  for (const suffix of QUALIFIER_SUFFIXES) {
    if (out.endsWith(suffix)) {
      out = pyStrip(out.slice(0, -suffix.length));
    }
  }
  // NOTE: operator names such as `operator JSObject* const &` would be
  // mangled by the tokenizer, so they keep their (rare) prefix.
  if (!out.includes('::operator')) {
    out = dropPrefixAndReturnType(out);
  }
  out = out.replaceAll("`anonymous namespace'", '(anonymous namespace)');
  out = out.replace(LAMBDA_NUMBER, () => '::$::');
  out = collapseTemplateArguments(out);
  out = dropArgumentLists(out);
  if (out.includes('clone .cold')) {
    out = replaceEnclosedGroups(out, '[', ']', () => '');
  }
  return finish(out, line, lineNumbers);
}

/**
 * Normalizes a Rust function name: drops keywords and the return type,
 * collapses generics to `<T>` unless they are a `<T as Trait>` form, drops
 * argument lists and the `::h<hash>` suffix.
 *
 * @param name - the frame's function
 * @param line - the frame's line, appended when `lineNumbers` matches
 * @param lineNumbers - the line-number list
 */
export function normalizeRustFunction(
  name: string,
  line: unknown,
  lineNumbers: RegExp,
): string {
  let out = dropPrefixAndReturnType(name);
  out = replaceEnclosedGroups(out, '<', '>', (_before, inside) =>
    inside.includes(' as ') ? inside : '<T>',
  );
  out = replaceEnclosedGroups(out, '(', ')', () => '');
  // NOTE: the hash is removed after the line number is appended, as siggen
  // does, so a listed Rust function keeps its hash.
  return finish(out, line, lineNumbers).replace(RUST_HASH_SUFFIX, '');
}
