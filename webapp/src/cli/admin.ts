/**
 * `crashstats-admin`: manages users and API tokens in the web app's
 * database from a shell. It reads MONGODB_URL, MONGODB_DATABASE,
 * MONGODB_TIMEOUT_MS and WEBAPP_TOKEN_DAYS from the environment.
 * Exit codes: 0 done, 1 the action failed, 2 the command line is wrong.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { connectMongo, loadConfig } from '@crashstats/common';
import { webappConfigSchema } from '../config.js';
import { isPermission, PERMISSIONS } from '../auth/permissions.js';
import { AccessStore, MAX_TOKEN_DAYS } from '../auth/tokens.js';
import {
  describeFailure,
  formatCreatedToken,
  formatTokenTable,
  formatUser,
} from './admin-format.js';

const PROGRAM = 'crashstats-admin';

const USAGE = `Usage: ${PROGRAM} COMMAND [options]

Manages the users and API tokens of the CrashStats web app.

Commands:
  create-user NAME [--permission P]... [--admin]
      Creates an active user with the given permissions.
  set-permissions NAME (--permission P... | --none)
      Replaces a user's permissions; their tokens lose any they lose.
  deactivate-user NAME
      Deactivates a user: their tokens stop working.
  activate-user NAME
      Activates a user again.
  create-token --user NAME [--permission P]... [--days N] [--notes TEXT] [--json]
      Creates a token holding some of the user's permissions (none unless
      given) for N days (WEBAPP_TOKEN_DAYS by default) and prints its
      secret, which is shown only this once.
  list-tokens [--user NAME] [--json]
      Lists tokens without their secrets.
  revoke-token ID
      Deletes a token.

Permissions: ${PERMISSIONS.join(', ')}

Environment: MONGODB_URL, MONGODB_DATABASE, MONGODB_TIMEOUT_MS,
WEBAPP_TOKEN_DAYS.

Exit codes: 0 done, 1 the action failed, 2 usage error.
Run '${PROGRAM} COMMAND --help' for the usage of one command.
`;

/** Where the command reads its settings and writes its output. */
export interface AdminIo {
  readonly env: Record<string, string | undefined>;
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
}

/** A command line that cannot be run as given. */
class UsageError extends Error {
  override name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<
  string,
  string | boolean | (string | boolean)[] | undefined
>;

/** What one subcommand accepts and does. */
interface Command {
  readonly usage: string;
  readonly positionals: readonly string[];
  readonly options: Options;
  /** Checks the options further; throws a {@link UsageError}. */
  readonly check?: (values: Values) => void;
  readonly run: (call: Call) => Promise<number>;
}

/** One run of a subcommand: its arguments and where it works. */
interface Call {
  readonly args: readonly string[];
  readonly values: Values;
  readonly store: AccessStore;
  readonly io: AdminIo;
}

const permissionOption: Options = {
  permission: { type: 'string', multiple: true },
};

const COMMANDS: Readonly<Record<string, Command>> = {
  'create-user': {
    usage: 'create-user NAME [--permission P]... [--admin]',
    positionals: ['NAME'],
    options: { ...permissionOption, admin: { type: 'boolean' } },
    run: async ({ args, values, store, io }) => {
      const user = await store.createUser(args[0]!, {
        permissions: permissions(values),
        isAdmin: values.admin === true,
      });
      io.out(`Created user ${formatUser(user)}`);
      return 0;
    },
  },
  'set-permissions': {
    usage: 'set-permissions NAME (--permission P... | --none)',
    positionals: ['NAME'],
    options: { ...permissionOption, none: { type: 'boolean' } },
    check: (values) => {
      if (permissions(values).length > 0 === (values.none === true)) {
        throw new UsageError('give either --permission or --none');
      }
    },
    run: async ({ args, values, store, io }) => {
      await store.setPermissions(args[0]!, permissions(values));
      await printUser(store, args[0]!, io);
      return 0;
    },
  },
  'deactivate-user': {
    usage: 'deactivate-user NAME',
    positionals: ['NAME'],
    options: {},
    run: async ({ args, store, io }) => {
      await store.setActive(args[0]!, false);
      await printUser(store, args[0]!, io);
      return 0;
    },
  },
  'activate-user': {
    usage: 'activate-user NAME',
    positionals: ['NAME'],
    options: {},
    run: async ({ args, store, io }) => {
      await store.setActive(args[0]!, true);
      await printUser(store, args[0]!, io);
      return 0;
    },
  },
  'create-token': {
    usage:
      'create-token --user NAME [--permission P]... [--days N] [--notes TEXT] [--json]',
    positionals: [],
    options: {
      ...permissionOption,
      user: { type: 'string' },
      days: { type: 'string' },
      notes: { type: 'string' },
      json: { type: 'boolean' },
    },
    check: (values) => {
      requiredString(values, 'user');
    },
    run: async ({ values, store, io }) => {
      const user = requiredString(values, 'user');
      const days = values.days === undefined ? undefined : parseDays(values);
      const token = await store.createToken({
        user,
        permissions: permissions(values),
        days,
        notes: optionalString(values, 'notes'),
      });
      io.out(
        values.json === true
          ? `${JSON.stringify({ ...token, user })}\n`
          : formatCreatedToken(user, token),
      );
      return 0;
    },
  },
  'list-tokens': {
    usage: 'list-tokens [--user NAME] [--json]',
    positionals: [],
    options: { user: { type: 'string' }, json: { type: 'boolean' } },
    run: async ({ values, store, io }) => {
      const tokens = await store.listTokens(optionalString(values, 'user'));
      io.out(
        values.json === true
          ? `${JSON.stringify(tokens, null, 2)}\n`
          : formatTokenTable(tokens, new Date()),
      );
      return 0;
    },
  },
  'revoke-token': {
    usage: 'revoke-token ID',
    positionals: ['ID'],
    options: {},
    run: async ({ args, store, io }) => {
      if (!(await store.revokeToken(args[0]!))) {
        io.err(`${PROGRAM}: no token with id ${args[0]!}\n`);
        return 1;
      }
      io.out(`Revoked token ${args[0]!}\n`);
      return 0;
    },
  },
};

/** The settings the command needs, from the web app's schema. */
const adminConfigSchema = webappConfigSchema.pick({
  MONGODB_URL: true,
  MONGODB_DATABASE: true,
  MONGODB_TIMEOUT_MS: true,
  WEBAPP_TOKEN_DAYS: true,
});

/**
 * Runs the command.
 *
 * @param argv - arguments after the program name
 * @param io - environment and output streams
 * @returns the exit code
 */
export async function runAdmin(
  argv: readonly string[],
  io: AdminIo,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    (name === undefined ? io.err : io.out)(USAGE);
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS[name];
  let parsed: { args: string[]; values: Values; help: boolean };
  try {
    if (!command) {
      throw new UsageError(`unknown command '${name}'`);
    }
    parsed = parseCommandLine(command, rest);
  } catch (error) {
    io.err(`${PROGRAM}: ${describeFailure(error)}\n`);
    io.err(
      command
        ? `Usage: ${PROGRAM} ${command.usage}\n`
        : `Run '${PROGRAM} --help' for the commands.\n`,
    );
    return 2;
  }
  if (parsed.help) {
    io.out(`Usage: ${PROGRAM} ${command.usage}\n`);
    return 0;
  }
  return execute(command, parsed, io);
}

/** Connects to the database and runs a parsed command. */
async function execute(
  command: Command,
  parsed: { args: string[]; values: Values },
  io: AdminIo,
): Promise<number> {
  let client;
  try {
    const config = loadConfig(adminConfigSchema, io.env);
    client = await connectMongo({
      url: config.MONGODB_URL,
      timeoutMs: config.MONGODB_TIMEOUT_MS,
      appName: PROGRAM,
    });
    const store = new AccessStore(client.db(config.MONGODB_DATABASE), {
      tokenDays: config.WEBAPP_TOKEN_DAYS,
    });
    await store.ensureIndexes();
    return await command.run({ ...parsed, store, io });
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`${PROGRAM}: ${error.message}\n`);
      io.err(`Usage: ${PROGRAM} ${command.usage}\n`);
      return 2;
    }
    io.err(`${PROGRAM}: ${describeFailure(error)}\n`);
    return 1;
  } finally {
    await client?.close();
  }
}

/**
 * Parses a subcommand's arguments and checks what can be checked without
 * the database: the positional count, permission names and `--days`.
 */
function parseCommandLine(
  command: Command,
  argv: readonly string[],
): { args: string[]; values: Values; help: boolean } {
  let result;
  try {
    result = parseArgs({
      args: [...argv],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(describeFailure(error));
  }
  const values = result.values as Values;
  const help = values.help === true;
  if (!help) {
    const expected = command.positionals;
    if (result.positionals.length !== expected.length) {
      throw new UsageError(
        expected.length === 0
          ? `unexpected argument '${result.positionals[0]!}'`
          : `expected ${expected.join(' ')}`,
      );
    }
    const unknown = permissions(values).filter((p) => !isPermission(p));
    if (unknown.length > 0) {
      throw new UsageError(
        `unknown permission ${unknown.join(', ')} (known: ${PERMISSIONS.join(', ')})`,
      );
    }
    if (values.days !== undefined) {
      parseDays(values);
    }
    command.check?.(values);
  }
  return { args: result.positionals, values, help };
}

/** The `--permission` values, in the order given. */
function permissions(values: Values): string[] {
  const given = values.permission;
  return Array.isArray(given) ? given.map(String) : [];
}

function optionalString(values: Values, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

function requiredString(values: Values, name: string): string {
  const value = optionalString(values, name);
  if (value === undefined || value === '') {
    throw new UsageError(`--${name} is required`);
  }
  return value;
}

function parseDays(values: Values): number {
  const text = optionalString(values, 'days') ?? '';
  const days = /^[1-9][0-9]{0,3}$/.test(text) ? Number(text) : 0;
  if (days < 1 || days > MAX_TOKEN_DAYS) {
    throw new UsageError(
      `--days must be a whole number from 1 to ${MAX_TOKEN_DAYS}: '${text}'`,
    );
  }
  return days;
}

async function printUser(
  store: AccessStore,
  name: string,
  io: AdminIo,
): Promise<void> {
  const user = await store.getUser(name);
  if (user) {
    io.out(formatUser(user));
  }
}

/**
 * Entry point used by `bin/crashstats-admin.js`.
 *
 * @param argv - arguments after the program name
 * @returns the exit code
 */
export function main(argv: readonly string[]): Promise<number> {
  return runAdmin(argv, {
    env: process.env,
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
}
