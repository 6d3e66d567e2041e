// The invitation email, sent when `inviteUserToService` (SQL app_public.invite_user_to_service) has made an
// invitation, as Notify's create_invited_user sends it: from the Notify service, with the inviter's and the
// service's names and a link to accept. The link carries the invitation id, not a signed token as Notify's does:
// accepting (accept_invitation) needs the invited person signed in with the invited address, so the id alone
// lets nobody else in.
import { sideEffect, type Step } from 'postgraphile/grafast';
import { wrapPlans } from 'postgraphile/utils';
import { type SendingDeps, sendFromTemplate } from '../sending/from-template.ts';
import { NOTIFY_SERVICE_ID } from './user-changes.ts';

/** Notify's INVITATION_EMAIL_TEMPLATE_ID (sql/default-data.sql). */
export const INVITATION_EMAIL_TEMPLATE_ID = '4f46df42-f795-4cc4-83bb-65ca312f49cc';

export async function sendInvitationEmail(deps: SendingDeps, invitationId: string): Promise<void> {
  const { rows } = await deps.pool.query<{ email_address: string; user_name: string; service_name: string }>(
    `select i.email_address::text, u.name as user_name, s.name as service_name
     from app_public.invited_users i
     join app_public.users u on u.id = i.user_id
     join app_public.services s on s.id = i.service_id
     where i.id = $1 and i.status = 'pending'`,
    [invitationId],
  );
  const invitation = rows[0];
  if (!invitation) return;
  const base = deps.cfg.ADMIN_BASE_URL.replace(/\/+$/, '');
  await sendFromTemplate(
    deps,
    { userId: null },
    {
      serviceId: NOTIFY_SERVICE_ID,
      templateId: INVITATION_EMAIL_TEMPLATE_ID,
      to: invitation.email_address,
      personalisation: {
        user_name: invitation.user_name,
        service_name: invitation.service_name,
        url: `${base}/invitation/${invitationId}`,
      },
    },
  );
}

export function invitationEmailPlugin(deps: SendingDeps | null): GraphileConfig.Plugin {
  return wrapPlans({
    Mutation: {
      inviteUserToService(plan) {
        const $payload = plan() as Step & { get(key: string): Step & { get(key: string): Step } };
        // The function's statement has committed by the time this runs, so the server's own connection sees
        // the invitation.
        sideEffect($payload.get('result').get('id'), async (id) => {
          if (deps && typeof id === 'string') await sendInvitationEmail(deps, id);
        });
        return $payload;
      },
    },
  });
}
