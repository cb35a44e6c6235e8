/**
 * The permissions of the API, with Socorro's names, and who is asking.
 * Protected crash fields (the schema's `access: 'protected'`) need
 * `view_pii`; dumps need `view_rawdump`.
 */

/** Every permission a user or token can hold. */
export const PERMISSIONS = [
  'view_pii',
  'view_rawdump',
  'reprocess_crashes',
  'upload_symbols',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** What each permission allows, for listings and the OpenAPI document. */
export const PERMISSION_DESCRIPTIONS: Readonly<Record<Permission, string>> = {
  view_pii:
    'View personal identifiable information: every protected crash field',
  view_rawdump: 'Download minidumps and other raw dumps',
  reprocess_crashes: 'Send crashes to be processed again',
  upload_symbols: 'Upload symbol files',
};

/** Socorro spells permissions with their app label in field definitions. */
export function qualifiedPermission(permission: Permission): string {
  return `crashstats.${permission}`;
}

export function isPermission(value: string): value is Permission {
  return (PERMISSIONS as readonly string[]).includes(value);
}

/** Who makes a request: nobody in particular, or the owner of a token. */
export type Principal =
  | { readonly kind: 'anonymous' }
  | {
      readonly kind: 'token';
      /** Id of the token (not the token itself). */
      readonly tokenId: string;
      readonly user: string;
      readonly isAdmin: boolean;
      readonly permissions: ReadonlySet<Permission>;
    };

export const ANONYMOUS: Principal = { kind: 'anonymous' };

/** True when the principal holds the permission. */
export function hasPermission(
  principal: Principal,
  permission: Permission,
): boolean {
  return principal.kind === 'token' && principal.permissions.has(permission);
}
