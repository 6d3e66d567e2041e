// PostGraphile v5 preset: app_public exposed, requests run as notify_user /
// notify_anonymous with the admin JWT's claims set for row-level security.
import type { FastifyRequest } from 'fastify';
import type pg from 'pg';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { makePgService } from 'postgraphile/adaptors/pg';
import { pgSettingsFor, type AdminClaims } from '../auth/admin-auth.ts';

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
}

export function makePreset(opts: PresetOptions): GraphileConfig.Preset {
  return {
    extends: [PostGraphileAmberPreset],
    pgServices: [
      makePgService({
        pool: opts.pool,
        superuserConnectionString: opts.ownerUrl,
        schemas: ['app_public'],
        pgSettings(ctx) {
          const request = (ctx as { fastifyv5?: { request: FastifyRequest } }).fastifyv5?.request;
          return pgSettingsFor(request?.adminClaims ?? null);
        },
      }),
    ],
    grafserv: {
      graphqlPath: '/graphql',
      graphiql: opts.graphiql,
      graphiqlPath: '/graphiql',
      watch: false,
      maxRequestLength: 1_000_000,
    },
    grafast: { explain: false },
    schema: {
      // Keep field names close to the SQL for DBAs reading both.
      pgForbidSetofFunctionsToReturnNull: false,
    },
  };
}
