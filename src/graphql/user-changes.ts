// GraphQL `requestEmailAddressChange` / `requestMobileNumberChange`: the signed-in user asks to change their
// own email address or mobile number. As Notify's change-email and change-mobile flows, nothing changes yet: a
// code is sent to the new address (a link) or number (an SMS code) from the Notify service, and the change
// applies when the user gives it back (confirmUserChange, SQL app_public.confirm_user_change). The code is made
// by app_hidden.create_user_change_code on the server's own connection and never returned to the user, so
// only someone who can read the new address or phone can complete the change.
import { context, type FieldArgs, sideEffect } from 'postgraphile/grafast';
import { GraphQLError } from 'postgraphile/graphql';
import { extendSchema } from 'postgraphile/utils';
import type { AdminClaims } from '../auth/admin-auth.ts';
import { ApiError, AuthError } from '../lib/errors.ts';
import { type SendingDeps, sendFromTemplate } from '../sending/from-template.ts';

/** The Notify service and its system templates (sql/default-data.sql; ids are Notify's). */
export const NOTIFY_SERVICE_ID = 'd6aa2c68-a2d9-4437-ab19-3ae8eb202553';
export const CHANGE_EMAIL_CONFIRMATION_TEMPLATE_ID = 'eb4d9930-87ab-4aef-9bce-786762687884';
export const SMS_CODE_TEMPLATE_ID = '36fb0730-6259-4da1-8a80-c8de22ad4246';

type Attribute = 'email_address' | 'mobile_number';

/** Database errors with the project's NTF codes carry a message meant for the user. */
function userFacing(e: unknown): unknown {
  const err = e as { code?: string; message?: string };
  if (typeof err?.code === 'string' && err.code.startsWith('NTF')) {
    return new GraphQLError(err.message ?? 'Refused', { extensions: { code: err.code } });
  }
  if (e instanceof ApiError) {
    return new GraphQLError(e.message, {
      extensions: { code: e.errorName, status_code: e.statusCode, messages: e.messages },
    });
  }
  return e;
}

export async function requestUserChange(
  deps: SendingDeps,
  claims: AdminClaims | null | undefined,
  attribute: Attribute,
  value: string,
): Promise<{ sent: boolean }> {
  if (!claims) throw new AuthError(401, 'Sign in to change your details');
  const { rows } = await deps.pool.query<{ code: string | null; name: string }>(
    `select app_hidden.create_user_change_code($1, $2, $3) as code, (select name from app_public.users where id = $1)`,
    [claims.sub, attribute, value],
  );
  const code = rows[0]?.code ?? null;
  // Five requests still live: as with sign-in codes, nothing more is sent until they expire.
  if (code === null) return { sent: false };
  const base = deps.cfg.ADMIN_BASE_URL.replace(/\/+$/, '');
  if (attribute === 'email_address') {
    await sendFromTemplate(
      deps,
      { userId: null },
      {
        serviceId: NOTIFY_SERVICE_ID,
        templateId: CHANGE_EMAIL_CONFIRMATION_TEMPLATE_ID,
        to: value.trim(),
        personalisation: {
          name: rows[0].name,
          url: `${base}/user-profile/email/confirm/${code}`,
          feedback_url: `${base}/support`,
        },
      },
    );
  } else {
    await sendFromTemplate(
      deps,
      { userId: null },
      {
        serviceId: NOTIFY_SERVICE_ID,
        templateId: SMS_CODE_TEMPLATE_ID,
        to: value.trim(),
        personalisation: { verify_code: code },
      },
    );
  }
  return { sent: true };
}

export function userChangesPlugin(deps: SendingDeps | null): GraphileConfig.Plugin {
  const plan = (attribute: Attribute, field: string) => (_: unknown, fieldArgs: FieldArgs) => {
    const $input = fieldArgs.getRaw('input');
    const $claims = context().get('adminClaims');
    return sideEffect([$input, $claims], async ([input, claims]) => {
      try {
        if (!deps) throw new Error('This mutation is not available in this schema');
        return await requestUserChange(deps, claims, attribute, String((input as Record<string, unknown>)[field]));
      } catch (e) {
        throw userFacing(e);
      }
    });
  };
  return extendSchema(
    {
      typeDefs: /* GraphQL */ `
        input RequestEmailAddressChangeInput {
          emailAddress: String!
        }
        input RequestMobileNumberChangeInput {
          mobileNumber: String!
        }
        type RequestUserChangePayload {
          """False when 5 requests are still pending: nothing was sent."""
          sent: Boolean!
        }
        extend type Mutation {
          """
          Ask to change your email address: a link is emailed to the new address, and the change applies when
          its code is given to confirmUserChange (within an hour).
          """
          requestEmailAddressChange(input: RequestEmailAddressChangeInput!): RequestUserChangePayload
          """
          Ask to change your mobile number: a code is texted to the new number, and the change applies when it
          is given to confirmUserChange (within 15 minutes).
          """
          requestMobileNumberChange(input: RequestMobileNumberChangeInput!): RequestUserChangePayload
        }
      `,
      objects: {
        Mutation: {
          plans: {
            requestEmailAddressChange: plan('email_address', 'emailAddress'),
            requestMobileNumberChange: plan('mobile_number', 'mobileNumber'),
          },
        },
      },
    },
    'UserChangesPlugin',
  );
}
