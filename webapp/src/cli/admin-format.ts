/**
 * Text the admin command prints: users, tokens and errors, for people; the
 * `--json` forms are plain JSON of the same records.
 */
import { ApiError } from '../api/errors.js';
import type { CreatedToken, TokenInfo, User } from '../auth/tokens.js';

/** One line describing a user. */
export function formatUser(user: User): string {
  const permissions = user.permissions.join(', ') || '(none)';
  const flags = [user.active ? 'active' : 'inactive'];
  if (user.isAdmin) {
    flags.push('administrator');
  }
  return `${user.name}: ${flags.join(', ')}; permissions: ${permissions}\n`;
}

/** A new token, with the warning that its secret is shown only once. */
export function formatCreatedToken(user: string, token: CreatedToken): string {
  const rows: [string, string][] = [
    ['token', token.token],
    ['id', token.id],
    ['user', user],
    ['permissions', token.permissions.join(', ') || '(none)'],
    ['expires', token.expires.toISOString()],
  ];
  const lines = rows.map(([label, value]) => `${label.padEnd(12)} ${value}`);
  return (
    'Token created. Its secret is printed only this once:\n' +
    `${lines.join('\n')}\n`
  );
}

/** A table of tokens, one per line, with expired ones marked. */
export function formatTokenTable(
  tokens: readonly TokenInfo[],
  now: Date,
): string {
  if (tokens.length === 0) {
    return 'No tokens.\n';
  }
  const rows = [
    ['ID', 'USER', 'EXPIRES', 'PERMISSIONS', 'NOTES'],
    ...tokens.map((t) => [
      t.id,
      t.user,
      t.expires.getTime() <= now.getTime()
        ? `${t.expires.toISOString()} (expired)`
        : t.expires.toISOString(),
      t.permissions.join(',') || '-',
      t.notes,
    ]),
  ];
  const widths = rows[0]!.map((_, column) =>
    Math.max(...rows.map((row) => row[column]!.length)),
  );
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

/** The message of a failure: an API error's text or its field errors. */
export function describeFailure(error: unknown): string {
  if (error instanceof ApiError) {
    const errors = error.body.errors;
    if (errors !== null && typeof errors === 'object') {
      return Object.entries(errors as Record<string, string[]>)
        .map(([field, messages]) => `${field}: ${messages.join('; ')}`)
        .join('\n');
    }
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
