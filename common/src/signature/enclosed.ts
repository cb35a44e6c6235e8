/**
 * Bracket-aware text surgery on function names: finding balanced `<...>`,
 * `(...)` and `[...]` groups, collapsing template and argument lists, and
 * dropping leading keywords and return types.
 */

/**
 * Decides what replaces one top-level bracketed group.
 *
 * @param before - text between the previous group (or the start) and this one
 * @param inside - the group, brackets included
 */
export type GroupReplacer = (before: string, inside: string) => string;

/** Start and end (exclusive) of each top-level group; an unclosed group runs to the end. */
export function findEnclosedGroups(
  text: string,
  open: string,
  close: string,
): [number, number][] {
  const groups: [number, number][] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i += 1) {
    const char = text[i];
    if (char === open) {
      if (depth === 0) {
        start = i;
      }
      depth += 1;
    } else if (char === close && depth > 0) {
      depth -= 1;
      if (depth === 0) {
        groups.push([start, i + 1]);
      }
    }
  }
  if (depth > 0) {
    groups.push([start, text.length]);
  }
  return groups;
}

/** Rewrites every top-level `open`...`close` group of `text` with `replace`. */
export function replaceEnclosedGroups(
  text: string,
  open: string,
  close: string,
  replace: GroupReplacer,
): string {
  let out = '';
  let previousEnd = 0;
  for (const [start, end] of findEnclosedGroups(text, open, close)) {
    const before = text.slice(previousEnd, start);
    out += before + replace(before, text.slice(start, end));
    previousEnd = end;
  }
  return out + text.slice(previousEnd);
}

/**
 * Collapses C++ template arguments to `<T>`. Kept as they are:
 * `<name omitted>`, groups mentioning ` as ` or ` in `
 * (`<unknown in foo.dll>`), the
 * brackets of `operator<`-style names; `IPC::ParamTraits<...>` keeps one
 * level, itself collapsed.
 */
export function collapseTemplateArguments(name: string): string {
  return replaceEnclosedGroups(name, '<', '>', (before, inside) => {
    if (
      inside === '<name omitted>' ||
      inside.includes(' as ') ||
      inside.includes(' in ') ||
      before.endsWith('operator')
    ) {
      return inside;
    }
    if (before.endsWith('IPC::ParamTraits')) {
      return `<${collapseTemplateArguments(inside.slice(1, -1))}>`;
    }
    return '<T>';
  });
}

/**
 * Drops C++ argument lists, except `(anonymous namespace)` and the
 * parentheses of `operator()`.
 */
export function dropArgumentLists(name: string): string {
  return replaceEnclosedGroups(name, '(', ')', (before, inside) =>
    inside === '(anonymous namespace)' || before.endsWith('operator')
      ? inside
      : '',
  );
}

const PAIRS: Readonly<Record<string, string>> = {
  '(': ')',
  '{': '}',
  '[': ']',
  '<': '>',
  '`': "'",
};
const CLOSERS = new Set(Object.values(PAIRS));

/** Splits on spaces that are not inside any bracket or backtick quote. */
function topLevelTokens(name: string): string[] {
  const tokens: string[] = [];
  const openStack: string[] = [];
  let current = '';
  for (const char of name) {
    if (char in PAIRS) {
      openStack.push(char);
    } else if (CLOSERS.has(char)) {
      const top = openStack[openStack.length - 1];
      if (top !== undefined && PAIRS[top] === char) {
        openStack.pop();
      }
    } else if (char === ' ' && openStack.length === 0) {
      tokens.push(current);
      current = '';
      continue;
    }
    current += char;
  }
  if (current !== '') {
    tokens.push(current);
  }
  return tokens;
}

/**
 * Keeps only the function name and its arguments: drops leading keywords
 * (`static`, `class`, ...) and the return type. A trailing argument list or
 * `[clone ...]` separated by a space stays attached to the name.
 */
export function dropPrefixAndReturnType(name: string): string {
  const tokens = topLevelTokens(name);
  while (tokens.length > 1) {
    const last = tokens[tokens.length - 1] ?? '';
    if (!last.startsWith('(') && !last.startsWith('[clone')) {
      break;
    }
    tokens.pop();
    tokens[tokens.length - 1] = `${tokens[tokens.length - 1] ?? ''} ${last}`;
  }
  return tokens[tokens.length - 1] ?? '';
}
