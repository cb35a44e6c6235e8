/**
 * Users and their API tokens in MongoDB, and turning a token secret into a
 * {@link Principal}. Only a secret's SHA-256 is stored; the secret itself
 * leaves this module once, as the result of {@link AccessStore.createToken}.
 *
 * A token carries a subset of its owner's permissions when created, and at
 * each use it holds only those its owner still has, so taking a permission
 * from a user takes it from every token of theirs at once.
 */
import { MongoServerError, type Collection, type Db } from 'mongodb';
import { Collections } from '@crashstats/common';
import { forbidden, invalidParameters, notFound } from '../api/errors.js';
import {
  isPermission,
  PERMISSIONS,
  type Permission,
  type Principal,
} from './permissions.js';
import {
  generateSecret,
  generateTokenId,
  hashSecret,
  isWellFormedSecret,
} from './token-secret.js';

/** Socorro's answers to a token that does not grant access. */
export const TokenFailures = {
  notMatched: 'API Token not matched',
  expired: 'API Token found but expired',
  inactiveUser: 'User of API token not active',
} as const;

/** Id of the token kept in step with `WEBAPP_ADMIN_TOKEN_SECRET`. */
export const CONFIGURED_ADMIN_TOKEN_ID = 'configured-admin';

/** Names a user may have (Django's username characters). */
const USER_NAME = /^[A-Za-z0-9_.@+-]{1,150}$/;
const DAY_MS = 86_400_000;
/** The longest lifetime a token may be given, in days. */
export const MAX_TOKEN_DAYS = 3650;
const MAX_NOTES_LENGTH = 1000;
/** "Never" for the configured token, as a date every driver can store. */
const FAR_FUTURE = new Date('9999-12-31T23:59:59.999Z');
const DUPLICATE_KEY = 11000;

/** A user as stored in `users`. */
interface UserDocument {
  _id: string;
  permissions: Permission[];
  active: boolean;
  is_admin: boolean;
  created: Date;
}

/** A token as stored in `api_tokens`: the hash, never the secret. */
interface TokenDocument {
  _id: string;
  key_hash: string;
  user: string;
  permissions: Permission[];
  created: Date;
  expires: Date;
  notes: string;
}

/** A user: who may hold tokens, and what they may do. */
export interface User {
  readonly name: string;
  readonly permissions: readonly Permission[];
  readonly active: boolean;
  readonly isAdmin: boolean;
  readonly created: Date;
}

/** What may change about a user; fields left out stay as they are. */
export interface UserChanges {
  readonly permissions?: readonly string[];
  readonly active?: boolean;
  readonly isAdmin?: boolean;
}

/** A token as listed: everything but its secret and hash. */
export interface TokenInfo {
  readonly id: string;
  readonly user: string;
  readonly permissions: readonly Permission[];
  readonly created: Date;
  readonly expires: Date;
  readonly notes: string;
}

/** What {@link AccessStore.createToken} needs. */
export interface NewToken {
  readonly user: string;
  /** A subset of the owner's permissions; none when left out. */
  readonly permissions?: readonly string[];
  /** Lifetime in days; the store's default when left out. */
  readonly days?: number;
  readonly notes?: string;
}

/** A token just made: the only time its secret is shown. */
export interface CreatedToken {
  readonly id: string;
  /** The secret a client sends in `Auth-Token`. */
  readonly token: string;
  readonly expires: Date;
  readonly permissions: readonly Permission[];
}

/** Options of {@link AccessStore}. */
export interface AccessStoreOptions {
  /** The clock; the system clock by default. */
  readonly now?: () => Date;
  /** Lifetime of a token created without `days` (90 by default). */
  readonly tokenDays?: number;
}

/** Something that turns an `Auth-Token` value into a principal. */
export interface TokenAuthenticator {
  authenticate(secret: string): Promise<Principal>;
}

/**
 * Users and API tokens over one database, in the `users` and `api_tokens`
 * collections. Validation failures are 400 {@link ApiError}s, so an HTTP
 * route can pass them on as they are.
 */
export class AccessStore implements TokenAuthenticator {
  private readonly users: Collection<UserDocument>;
  private readonly tokens: Collection<TokenDocument>;
  private readonly now: () => Date;
  private readonly tokenDays: number;

  constructor(db: Db, options: AccessStoreOptions = {}) {
    this.users = db.collection<UserDocument>(Collections.users);
    this.tokens = db.collection<TokenDocument>(Collections.apiTokens);
    this.now = options.now ?? (() => new Date());
    this.tokenDays = options.tokenDays ?? 90;
  }

  /** Creates the indexes; safe to call at every start. */
  async ensureIndexes(): Promise<void> {
    await this.tokens.createIndex(
      { key_hash: 1 },
      { unique: true, name: 'key_hash_unique' },
    );
    await this.tokens.createIndex({ user: 1 }, { name: 'user' });
  }

  /**
   * Creates a user or changes an existing one. A new user is active, not
   * an administrator and without permissions unless `changes` says else.
   *
   * @returns The user as stored, and whether it was created.
   */
  async upsertUser(
    name: string,
    changes: UserChanges = {},
  ): Promise<{ user: User; created: boolean }> {
    checkUserName(name);
    const set: Partial<UserDocument> = {};
    if (changes.permissions !== undefined) {
      set.permissions = checkPermissions(changes.permissions);
    }
    if (changes.active !== undefined) {
      set.active = changes.active;
    }
    if (changes.isAdmin !== undefined) {
      set.is_admin = changes.isAdmin;
    }
    // Insert, then update if the name is taken: a plain insert and $set
    // behave alike on MongoDB and FerretDB, where $setOnInsert loses empty
    // arrays. A duplicate key also covers two replicas racing at start-up.
    let created = true;
    try {
      await this.users.insertOne({
        _id: name,
        permissions: [],
        active: true,
        is_admin: false,
        created: this.now(),
        ...set,
      });
    } catch (error) {
      if (!isDuplicateKey(error)) {
        throw error;
      }
      created = false;
      if (Object.keys(set).length > 0) {
        await this.users.updateOne({ _id: name }, { $set: set });
      }
    }
    const user = await this.getUser(name);
    if (!user) {
      throw new Error(`User ${name} vanished while being saved`);
    }
    return { user, created };
  }

  /**
   * Creates a user; a 400 when the name is taken. The user is active and
   * has the given permissions (none by default).
   */
  async createUser(
    name: string,
    options: { permissions?: readonly string[]; isAdmin?: boolean } = {},
  ): Promise<User> {
    checkUserName(name);
    const doc: UserDocument = {
      _id: name,
      permissions: checkPermissions(options.permissions ?? []),
      active: true,
      is_admin: options.isAdmin ?? false,
      created: this.now(),
    };
    try {
      await this.users.insertOne(doc);
    } catch (error) {
      if (isDuplicateKey(error)) {
        throw invalidParameters({ user: [`User ${name} already exists`] });
      }
      throw error;
    }
    return toUser(doc);
  }

  /** The user named `name`, or null. */
  async getUser(name: string): Promise<User | null> {
    const doc = await this.users.findOne({ _id: name });
    return doc ? toUser(doc) : null;
  }

  /** Activates or deactivates a user; 404 for an unknown name. */
  async setActive(name: string, active: boolean): Promise<void> {
    await this.updateUser(name, { active });
  }

  /** Replaces a user's permissions; their tokens follow at once. */
  async setPermissions(
    name: string,
    permissions: readonly string[],
  ): Promise<void> {
    await this.updateUser(name, { permissions: checkPermissions(permissions) });
  }

  /**
   * Makes a token for an active user. Its permissions must be among the
   * owner's; the secret is in the result and nowhere else.
   */
  async createToken(request: NewToken): Promise<CreatedToken> {
    const permissions = checkPermissions(request.permissions ?? []);
    const days = checkDays(request.days ?? this.tokenDays);
    const notes = checkNotes(request.notes ?? '');
    const owner = await this.getUser(request.user);
    if (!owner) {
      throw invalidParameters({ user: [`Unknown user: ${request.user}`] });
    }
    if (!owner.active) {
      throw invalidParameters({ user: [`User ${owner.name} is not active`] });
    }
    const missing = permissions.filter((p) => !owner.permissions.includes(p));
    if (missing.length > 0) {
      throw invalidParameters({
        permissions: [
          `User ${owner.name} does not hold: ${missing.join(', ')}`,
        ],
      });
    }
    const token = generateSecret();
    const created = this.now();
    const doc: TokenDocument = {
      _id: generateTokenId(),
      key_hash: hashSecret(token),
      user: owner.name,
      permissions,
      created,
      expires: new Date(created.getTime() + days * DAY_MS),
      notes,
    };
    await this.tokens.insertOne(doc);
    return { id: doc._id, token, expires: doc.expires, permissions };
  }

  /** Every token, or those of one user, oldest first; no secrets. */
  async listTokens(user?: string): Promise<TokenInfo[]> {
    const docs = await this.tokens
      .find(user === undefined ? {} : { user })
      .sort({ created: 1, _id: 1 })
      .toArray();
    return docs.map(toTokenInfo);
  }

  /** Deletes a token; false when there was none with that id. */
  async revokeToken(id: string): Promise<boolean> {
    const result = await this.tokens.deleteOne({ _id: id });
    return result.deletedCount === 1;
  }

  /**
   * The principal a secret stands for. Throws a 403 {@link ApiError} with
   * one of {@link TokenFailures}: no such token (or not a token at all),
   * expired, or an owner who is inactive or gone.
   */
  async authenticate(secret: string): Promise<Principal> {
    if (!isWellFormedSecret(secret)) {
      throw forbidden(TokenFailures.notMatched);
    }
    // The lookup is by hash, so no comparison ever involves the secret.
    const token = await this.tokens.findOne({ key_hash: hashSecret(secret) });
    if (!token) {
      throw forbidden(TokenFailures.notMatched);
    }
    if (token.expires.getTime() <= this.now().getTime()) {
      throw forbidden(TokenFailures.expired);
    }
    const owner = await this.users.findOne({ _id: token.user });
    if (!owner?.active) {
      throw forbidden(TokenFailures.inactiveUser);
    }
    const held = new Set(owner.permissions);
    return {
      kind: 'token',
      tokenId: token._id,
      user: owner._id,
      isAdmin: owner.is_admin,
      permissions: new Set(
        token.permissions.filter((p) => isPermission(p) && held.has(p)),
      ),
    };
  }

  /**
   * Start-up provisioning of the first administrator: the user becomes
   * active, an administrator and the holder of every permission. With a
   * secret, the token {@link CONFIGURED_ADMIN_TOKEN_ID} is made to match it
   * (a new secret replaces the old one); without one, that token is
   * removed, so unsetting the secret also withdraws it.
   */
  async ensureAdmin(user: string, tokenSecret?: string): Promise<void> {
    const permissions = [...PERMISSIONS];
    await this.upsertUser(user, { permissions, active: true, isAdmin: true });
    if (tokenSecret === undefined) {
      await this.tokens.deleteOne({ _id: CONFIGURED_ADMIN_TOKEN_ID });
      return;
    }
    if (!isWellFormedSecret(tokenSecret)) {
      throw new Error('The admin token secret must be 32 lowercase hex');
    }
    const keyHash = hashSecret(tokenSecret);
    const current = await this.tokens.findOne({
      _id: CONFIGURED_ADMIN_TOKEN_ID,
    });
    if (
      current?.key_hash === keyHash &&
      current.user === user &&
      current.permissions.join() === permissions.join()
    ) {
      return;
    }
    const doc: TokenDocument = {
      _id: CONFIGURED_ADMIN_TOKEN_ID,
      key_hash: keyHash,
      user,
      permissions,
      created: this.now(),
      expires: FAR_FUTURE,
      notes: 'Configured by WEBAPP_ADMIN_TOKEN_SECRET',
    };
    await retryDuplicate(() =>
      this.tokens.replaceOne({ _id: CONFIGURED_ADMIN_TOKEN_ID }, doc, {
        upsert: true,
      }),
    );
  }

  private async updateUser(
    name: string,
    set: Partial<UserDocument>,
  ): Promise<void> {
    const result = await this.users.updateOne({ _id: name }, { $set: set });
    if (result.matchedCount === 0) {
      throw notFound(`user ${name}`);
    }
  }
}

/**
 * Runs an upsert again after a duplicate-key error: two replicas starting
 * together may both try to insert the same `_id`, and the second attempt
 * then finds the document and updates it.
 */
async function retryDuplicate<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (isDuplicateKey(error)) {
      return run();
    }
    throw error;
  }
}

function isDuplicateKey(error: unknown): boolean {
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}

function checkUserName(name: string): void {
  if (!USER_NAME.test(name)) {
    throw invalidParameters({
      user: [
        'A user name has 1 to 150 letters, digits and the characters _ . @ + -',
      ],
    });
  }
}

/** Known permissions only, without repeats, in {@link PERMISSIONS} order. */
function checkPermissions(values: readonly string[]): Permission[] {
  const unknown = values.filter((value) => !isPermission(value));
  if (unknown.length > 0) {
    throw invalidParameters({
      permissions: [`Unknown permission: ${unknown.join(', ')}`],
    });
  }
  return PERMISSIONS.filter((p) => values.includes(p));
}

function checkDays(days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > MAX_TOKEN_DAYS) {
    throw invalidParameters({
      days: [`A token lives 1 to ${MAX_TOKEN_DAYS} whole days`],
    });
  }
  return days;
}

function checkNotes(notes: string): string {
  if (notes.length > MAX_NOTES_LENGTH) {
    throw invalidParameters({
      notes: [`Notes are at most ${MAX_NOTES_LENGTH} characters`],
    });
  }
  return notes;
}

function toUser(doc: UserDocument): User {
  return {
    name: doc._id,
    permissions: doc.permissions.filter(isPermission),
    active: doc.active,
    isAdmin: doc.is_admin,
    created: doc.created,
  };
}

function toTokenInfo(doc: TokenDocument): TokenInfo {
  return {
    id: doc._id,
    user: doc.user,
    permissions: doc.permissions.filter(isPermission),
    created: doc.created,
    expires: doc.expires,
    notes: doc.notes,
  };
}
