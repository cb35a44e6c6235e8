/**
 * Evaluator of the postfix expressions in STACK CFI rules and STACK WIN
 * program strings. Values are unsigned bigints wrapped to the address width
 * after every step; any failure (unknown name, unreadable memory, division
 * by zero, malformed text) makes the whole evaluation yield undefined.
 *
 * Tokens are separated by blanks:
 * - numbers: decimal or `0x` hex, optionally negative (`-8` wraps);
 * - names: registers (`$rsp`, `x29`, `sp`), `.cfa`, `.raSearch`, `$T0`…;
 * - binary `+ - * / % @` (`a b @` aligns a down to a multiple of b);
 * - unary `^` (read a pointer-sized value from memory at the address);
 * - `=` (STACK WIN programs only): `$name value =` assigns a variable.
 */

/** Reads a pointer-sized value at an address; undefined when unreadable. */
export type MemoryReader = (
  address: bigint,
  size: number,
) => bigint | undefined;

/** Where names get their values: a map or a function. */
export type ValueSource =
  ReadonlyMap<string, bigint> | ((name: string) => bigint | undefined);

/** How an expression is evaluated. */
export interface PostfixOptions {
  /** Width values wrap to; also the size of a `^` read (4 or 8 bytes). */
  readonly addressBits: 32 | 64;
  /** Backs the `^` operator; without it every dereference fails. */
  readonly readMemory?: MemoryReader;
}

type Item = { readonly value: bigint } | { readonly name: string };

const DECIMAL = /^-?\d+$/;
const HEX = /^-?0[xX][0-9a-fA-F]+$/;
const BINARY = new Set(['+', '-', '*', '/', '%', '@']);

/** Evaluation state shared by expressions and programs. */
class Machine {
  readonly stack: Item[] = [];
  readonly assigned = new Map<string, bigint>();

  constructor(
    private readonly values: ValueSource,
    private readonly options: PostfixOptions,
  ) {}

  wrap(value: bigint): bigint {
    return BigInt.asUintN(this.options.addressBits, value);
  }

  /** The value of an item, resolving a name; undefined when unknown. */
  resolve(item: Item | undefined): bigint | undefined {
    if (item === undefined) {
      return undefined;
    }
    if ('value' in item) {
      return item.value;
    }
    if (item.name === '.undef') {
      return undefined;
    }
    const own = this.assigned.get(item.name);
    if (own !== undefined) {
      return own;
    }
    const found =
      typeof this.values === 'function'
        ? this.values(item.name)
        : this.values.get(item.name);
    return found === undefined ? undefined : this.wrap(found);
  }

  /** Applies one token; false on any failure. */
  step(token: string): boolean {
    if (BINARY.has(token)) {
      const b = this.resolve(this.stack.pop());
      const a = this.resolve(this.stack.pop());
      const r =
        a === undefined || b === undefined
          ? undefined
          : this.binary(token, a, b);
      return r !== undefined && this.push(r);
    }
    if (token === '^') {
      const address = this.resolve(this.stack.pop());
      const bytes = this.options.addressBits / 8;
      const read = this.options.readMemory;
      const v =
        address === undefined || !read ? undefined : read(address, bytes);
      return v !== undefined && this.push(this.wrap(v));
    }
    if (token === '=') {
      return this.assign();
    }
    if (DECIMAL.test(token) || HEX.test(token)) {
      return this.push(this.wrap(parseNumber(token)));
    }
    this.stack.push({ name: token });
    return true;
  }

  private push(value: bigint): boolean {
    this.stack.push({ value });
    return true;
  }

  private binary(op: string, a: bigint, b: bigint): bigint | undefined {
    switch (op) {
      case '+':
        return this.wrap(a + b);
      case '-':
        return this.wrap(a - b);
      case '*':
        return this.wrap(a * b);
      case '/':
        return b === 0n ? undefined : a / b;
      case '%':
        return b === 0n ? undefined : a % b;
      default: // '@': round a down to a multiple of b
        return b === 0n ? undefined : this.wrap(a & ~(b - 1n));
    }
  }

  /** `$name value =`: the target must be a `$` variable, never a value. */
  private assign(): boolean {
    const value = this.resolve(this.stack.pop());
    const target = this.stack.pop();
    if (value === undefined || !target || !('name' in target)) {
      return false;
    }
    if (!target.name.startsWith('$')) {
      return false;
    }
    this.assigned.set(target.name, value);
    return true;
  }
}

function parseNumber(token: string): bigint {
  const negative = token.startsWith('-');
  const digits = negative ? token.slice(1) : token;
  const value = BigInt(digits);
  return negative ? -value : value;
}

function tokens(text: string): string[] {
  return text.split(/[ \t\r\n]+/).filter((t) => t !== '');
}

/**
 * Evaluates one expression (a CFI rule) to a single value.
 *
 * @param expression - Postfix text, e.g. `.cfa -8 + ^`.
 * @param values - Register and pseudo-register values (`.cfa`, `$rsp`…).
 * @returns The value, or undefined when evaluation fails or does not leave
 *   exactly one value.
 */
export function evaluatePostfix(
  expression: string,
  values: ValueSource,
  options: PostfixOptions,
): bigint | undefined {
  const m = new Machine(values, options);
  for (const token of tokens(expression)) {
    if (token === '=' || !m.step(token)) {
      return undefined;
    }
  }
  return m.stack.length === 1 ? m.resolve(m.stack[0]) : undefined;
}

/**
 * Runs a STACK WIN program: a sequence of `$name expression =` statements.
 * Names read the variables assigned so far, then `values`.
 *
 * @returns The variables the program assigned, in assignment order, or
 *   undefined when a statement fails or values are left over at the end.
 */
export function evaluateProgram(
  program: string,
  values: ValueSource,
  options: PostfixOptions,
): Map<string, bigint> | undefined {
  const m = new Machine(values, options);
  for (const token of tokens(program)) {
    if (!m.step(token)) {
      return undefined;
    }
  }
  return m.stack.length === 0 ? m.assigned : undefined;
}
