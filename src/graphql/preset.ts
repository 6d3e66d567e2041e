// PostGraphile v5 preset: app_public exposed, requests run as notify_user /
// notify_anonymous with the admin JWT's claims set for row-level security.
import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { makePgService } from 'postgraphile/adaptors/pg';
import { pgSettingsFor, type AdminClaims } from '../auth/admin-auth.ts';
import type { SendingDeps } from '../sending/from-template.ts';
import { sendNotificationPlugin } from './send-notification.ts';
import { invitationEmailPlugin } from './invitation-email.ts';
import { type ErrorLog, makeMaskError } from './errors.ts';
import { queryLimitPlugins } from './limits.ts';
import { userChangesPlugin } from './user-changes.ts';

declare module 'fastify' {
  interface FastifyRequest {
    adminClaims?: AdminClaims | null;
  }
}

export interface PresetOptions {
  pool: pg.Pool;
  /** Owner connection used for introspection, so the schema does not depend on grants. */
  ownerUrl: string;
  graphiql: boolean;
  /** What sendNotification sends with (src/sending); the schema dump passes none and never calls it. */
  sending?: SendingDeps;
  /** Where errors hidden from the caller are logged, with the id the caller is given. */
  logError?: ErrorLog;
}

function requestOf(ctx: unknown): FastifyRequest | undefined {
  return (ctx as { fastifyv5?: { request: FastifyRequest } }).fastifyv5?.request;
}

export function makePreset(opts: PresetOptions): GraphileConfig.Preset {
  return {
    extends: [PostGraphileAmberPreset],
    plugins: [
      sendNotificationPlugin(opts.sending ?? null),
      userChangesPlugin(opts.sending ?? null),
      invitationEmailPlugin(opts.sending ?? null),
      ...queryLimitPlugins,
    ],
    pgServices: [
      makePgService({
        pool: opts.pool,
        superuserConnectionString: opts.ownerUrl,
        schemas: ['app_public'],
        pgSettings(ctx) {
          return pgSettingsFor(requestOf(ctx)?.adminClaims ?? null);
        },
      }),
    ],
    grafserv: {
      graphqlPath: '/graphql',
      graphiql: opts.graphiql,
      graphiqlPath: '/graphiql',
      watch: false,
      maxRequestLength: 1_000_000,
      maskError: makeMaskError(opts.logError ?? ((details, message) => console.error(message, details))),
    },
    grafast: {
      explain: false,
      context: (ctx) => ({ adminClaims: requestOf(ctx)?.adminClaims ?? null }),
    },
    schema: {
      // Keep field names close to the SQL for DBAs reading both.
      pgForbidSetofFunctionsToReturnNull: false,
    },
  };
}
