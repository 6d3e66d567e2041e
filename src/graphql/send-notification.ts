// GraphQL `sendNotification`: a signed-in user sends one notification from a template through the
// same rules and create path as the v2 API (src/sending). The user needs the service's
// send_texts / send_emails / send_letters permission (app_hidden.user_has_service_permission, as
// the SQL functions check it); the row has key type normal, no API key and the user as created_by_id.
// Refusals are GraphQL errors with the v2 API's message, its error name in extensions.code.
import { context, sideEffect } from 'postgraphile/grafast';
import { GraphQLError } from 'postgraphile/graphql';
import { extendSchema } from 'postgraphile/utils';
import type { AdminClaims } from '../auth/admin-auth.ts';
import { ApiError, AuthError } from '../lib/errors.ts';
import { type SendingDeps, sendFromTemplate, type TemplateSendRequest } from '../sending/from-template.ts';

declare global {
  namespace Grafast {
    interface Context {
      /** The signed-in admin user's claims (null: anonymous). */
      adminClaims?: AdminClaims | null;
    }
  }
}

/** Whether the user (claims) holds the permission on the service (null: is on its team), as RLS decides it. */
export async function userHasServicePermission(
  deps: Pick<SendingDeps, 'pool'>,
  claims: AdminClaims,
  serviceId: string,
  permission: string | null,
): Promise<boolean> {
  const { rows } = await deps.pool.query<{ allowed: boolean }>(
    `with claims as materialized (
       select set_config('jwt.claims.user_id', $1, true) as u, set_config('jwt.claims.platform_admin', $2, true) as a)
     select app_hidden.user_has_service_permission($3, $4) as allowed from claims`,
    [claims.sub, claims.platform_admin ? 'true' : 'false', serviceId, permission],
  );
  return rows[0]?.allowed === true;
}

export async function sendNotificationAs(
  deps: SendingDeps,
  claims: AdminClaims | null | undefined,
  input: TemplateSendRequest,
): Promise<{ notificationId: string }> {
  if (!claims) throw new AuthError(401, 'Sign in to send notifications');
  const { id } = await sendFromTemplate(
    deps,
    {
      userId: claims.sub,
      async assertMaySend(serviceId, permission) {
        if (await userHasServicePermission(deps, claims, serviceId, permission)) return;
        if (permission === null) throw new ApiError(404, 'BadRequestError', `Service ${serviceId} not found`);
        throw new ApiError(403, 'BadRequestError', `Permission denied: ${permission} needed on service ${serviceId}`);
      },
    },
    input,
  );
  return { notificationId: id };
}

function asGraphQLError(e: unknown): unknown {
  if (!(e instanceof ApiError)) return e;
  return new GraphQLError(e.message, {
    extensions: { code: e.errorName, status_code: e.statusCode, messages: e.messages },
  });
}

/** The plugin; `deps` null builds the schema only (the schema dump): the mutation then refuses. */
export function sendNotificationPlugin(deps: SendingDeps | null): GraphileConfig.Plugin {
  return extendSchema(
    {
      typeDefs: /* GraphQL */ `
        input SendNotificationInput {
          serviceId: UUID!
          templateId: UUID!
          """Phone number (text message templates) or email address; absent for letters."""
          to: String
          """Values for the template's placeholders; for letters also the address lines."""
          personalisation: JSON
          """The sender's own reference (client_reference)."""
          reference: String
        }
        type SendNotificationPayload {
          notificationId: UUID!
        }
        extend type Mutation {
          """
          Send one notification from a template, as the signed-in user (needs send_texts, send_emails or
          send_letters on the service): the v2 API's rules, limits and messages.
          """
          sendNotification(input: SendNotificationInput!): SendNotificationPayload
        }
      `,
      objects: {
        Mutation: {
          plans: {
            sendNotification(_, fieldArgs) {
              const $input = fieldArgs.getRaw('input');
              const $claims = context().get('adminClaims');
              return sideEffect([$input, $claims], async ([input, claims]) => {
                try {
                  if (!deps) throw new Error('sendNotification is not available in this schema');
                  return await sendNotificationAs(deps, claims, input as TemplateSendRequest);
                } catch (e) {
                  throw asGraphQLError(e);
                }
              });
            },
          },
        },
      },
    },
    'SendNotificationPlugin',
  );
}
