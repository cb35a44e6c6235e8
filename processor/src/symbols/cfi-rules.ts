/**
 * STACK CFI rule sets: text such as `.cfa: $rsp 16 + .ra: .cfa -8 + ^`
 * names registers (a field ending in `:`) each followed by the postfix
 * expression that recovers the caller's value of that register.
 */

/**
 * Splits a rule set into register → expression. Returns undefined when the
 * text does not start with a register name or a register has no expression.
 */
export function parseCfiRuleSet(text: string): Map<string, string> | undefined {
  const rules = new Map<string, string>();
  let register: string | undefined;
  let expression: string[] = [];
  for (const token of text.split(/[ \t]+/)) {
    if (token === '') {
      continue;
    }
    if (token.length > 1 && token.endsWith(':')) {
      if (register !== undefined) {
        if (expression.length === 0) {
          return undefined;
        }
        rules.set(register, expression.join(' '));
      }
      register = token.slice(0, -1);
      expression = [];
    } else if (register === undefined) {
      return undefined;
    } else {
      expression.push(token);
    }
  }
  if (register === undefined || expression.length === 0) {
    return undefined;
  }
  rules.set(register, expression.join(' '));
  return rules;
}

/**
 * Applies a delta rule set over `rules` in place: each register it names
 * gets its new expression, the others keep theirs. A malformed delta is
 * skipped as a whole. Returns whether it applied.
 */
export function applyCfiDelta(
  rules: Map<string, string>,
  deltaText: string,
): boolean {
  const delta = parseCfiRuleSet(deltaText);
  if (delta === undefined) {
    return false;
  }
  for (const [register, expression] of delta) {
    rules.set(register, expression);
  }
  return true;
}
