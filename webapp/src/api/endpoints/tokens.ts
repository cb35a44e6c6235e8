/**
 * The administrators' token endpoint, `/api/tokens/`: GET lists tokens
 * (never their secrets), POST creates one for an existing user with a
 * subset of that user's permissions and answers with its secret, the only
 * time it is shown. Users themselves are managed with `crashstats-admin`.
 */
import type { AccessStore } from '../../auth/tokens.js';
import { PERMISSIONS } from '../../auth/permissions.js';
import { json, type ApiEndpoint } from '../endpoint.js';
import { invalidParameters } from '../errors.js';
import { isoDate } from '../format.js';
import { listParam, optionalParam, requiredParam } from '../params.js';

export function tokensEndpoint(access: AccessStore): ApiEndpoint {
  return {
    name: 'tokens',
    methods: ['GET', 'POST'],
    adminOnly: true,
    maxAgeSeconds: 0,
    origin: 'crashstats',
    summary: 'List or create API tokens',
    description:
      'GET lists the tokens (of one user with user=), without their secrets. POST creates a token for a ' +
      'user with some of that user’s permissions and answers with the secret, shown this once.',
    parameters: [
      {
        name: 'user',
        description: 'The token’s owner (required to create).',
        schema: { type: 'string' },
        example: 'admin',
      },
      {
        name: 'permissions',
        description: 'Permissions of a new token, a subset of its owner’s.',
        repeated: true,
        schema: { type: 'string', enum: [...PERMISSIONS] },
        example: 'view_pii',
      },
      {
        name: 'days',
        description: 'Lifetime of a new token in days.',
        schema: { type: 'integer', minimum: 1 },
        example: 90,
      },
      {
        name: 'notes',
        description: 'What a new token is for.',
        schema: { type: 'string' },
      },
    ],
    responseExample: {
      id: '3f9a0c2b7d1e4a56',
      token: '0123456789abcdef0123456789abcdef',
      user: 'admin',
      permissions: ['view_pii'],
      expires: '2027-03-03T10:00:00+00:00',
    },
    async handle({ method, params }) {
      if (method === 'GET') {
        const tokens = await access.listTokens(optionalParam(params, 'user'));
        return json({
          hits: tokens.map((t) => ({
            id: t.id,
            user: t.user,
            permissions: t.permissions,
            created: isoDate(t.created),
            expires: isoDate(t.expires),
            notes: t.notes,
          })),
          total: tokens.length,
        });
      }
      const user = requiredParam(params, 'user');
      const daysText = optionalParam(params, 'days');
      const days = daysText === undefined ? undefined : Number(daysText);
      if (days !== undefined && !(Number.isInteger(days) && days >= 1)) {
        throw invalidParameters({
          days: ['Must be a positive whole number of days'],
        });
      }
      const notes = optionalParam(params, 'notes');
      const created = await access.createToken({
        user,
        permissions: listParam(params, 'permissions'),
        ...(days === undefined ? {} : { days }),
        ...(notes === undefined ? {} : { notes }),
      });
      return json(
        {
          id: created.id,
          token: created.token,
          user,
          permissions: created.permissions,
          expires: isoDate(created.expires),
        },
        201,
      );
    },
  };
}
