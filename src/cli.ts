// `npx notify <command>`: operator commands, each a thin wrapper over one SQL function a DBA
// could call with psql (send-notification: over the sending rules of src/sending). Works with or
// without `npm start` running: it uses the same database, starting the embedded server for the
// command when nothing runs.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { assertNodeVersion } from './lib/node-version.ts';
import { type Config, config, ConfigError } from './config.ts';
import { prepareDatabase } from './db/bootstrap.ts';
import { issueAdminToken, resolveAdminUser } from './auth/admin-auth.ts';
import { userHasServicePermission } from './graphql/send-notification.ts';
import { createJob, type JobActor, jobStatus, uploadAndCheck } from './jobs/jobs.ts';
import { runTask, UnknownTaskError } from './lib/run-task.ts';
import { ApiError } from './lib/errors.ts';
import { makeS3Client } from './lib/s3.ts';
import { CreateBatcher } from './notifications/batcher.ts';
import { V2Cache } from './notifications/cache.ts';
import { sendFromTemplate } from './sending/from-template.ts';
import { receivedTextSender } from './recipients/recipients.ts';

assertNodeVersion();

type Opts = Record<string, string | boolean | undefined>;
type OptionSpec = { type: 'string' | 'boolean'; required?: boolean; describe: string };

interface Command {
  summary: string;
  options: Record<string, OptionSpec>;
  positional?: string;
  run(db: pg.Client, opts: Opts, positional: string[], ctx: { url: string }): Promise<unknown>;
}

class UsageError extends Error {}

const str = (v: string | boolean | undefined) => (typeof v === 'string' ? v : null);
const uuidRe = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
function uuidOpt(opts: Opts, name: string): string | null {
  const v = str(opts[name]);
  if (v !== null && !uuidRe.test(v)) throw new UsageError(`--${name} must be a UUID, got '${v}'`);
  return v;
}

async function one(db: pg.Client, sql: string, params: unknown[]): Promise<Record<string, unknown>> {
  const { rows } = await db.query(sql, params);
  return rows[0];
}

const pick = (row: Record<string, unknown>, ...keys: string[]) =>
  Object.fromEntries(keys.filter((k) => k in row).map((k) => [k, row[k]]));

/** set-delivery-callback / set-inbound-callback: app_public.set_service_callback_api (token stored encrypted). */
function callbackCommand(callbackType: string, summary: string): Command {
  return {
    summary,
    options: {
      service: { type: 'string', required: true, describe: 'service id' },
      url: { type: 'string', required: true, describe: 'https URL (http only for localhost / 127.0.0.1)' },
      'bearer-token': {
        type: 'string',
        required: true,
        describe: 'token sent as Authorization: Bearer (at least 10 characters)',
      },
    },
    async run(db, o) {
      const row = await one(
        db,
        `select * from app_public.set_service_callback_api(
           service_id => $1, callback_type => $2, url => $3, bearer_token => $4)`,
        [uuidOpt(o, 'service'), callbackType, o.url, o['bearer-token']],
      );
      return pick(row, 'id', 'service_id', 'callback_type', 'url', 'version', 'updated_at');
    },
  };
}

export const commands: Record<string, Command> = {
  'create-organisation': {
    summary: 'Create an organisation',
    options: {
      name: { type: 'string', required: true, describe: 'organisation name (unique)' },
      type: {
        type: 'string',
        required: true,
        describe: 'central|local|nhs_central|nhs_local|nhs_gp|emergency_service|school_or_college|other',
      },
      crown: { type: 'string', describe: 'true|false (default: from the type)' },
    },
    async run(db, o) {
      const crown =
        o.crown === undefined
          ? null
          : o.crown === 'true'
            ? true
            : o.crown === 'false'
              ? false
              : (() => {
                  throw new UsageError('--crown must be true or false');
                })();
      return one(db, 'select * from app_public.create_organisation(name => $1, organisation_type => $2, crown => $3)', [
        o.name,
        o.type,
        crown,
      ]);
    },
  },
  'create-user': {
    summary: 'Create a user (team member)',
    options: {
      email: { type: 'string', required: true, describe: 'email address' },
      name: { type: 'string', required: true, describe: 'full name' },
      mobile: { type: 'string', describe: 'mobile number' },
      'platform-admin': { type: 'boolean', describe: 'make the user a platform admin' },
      'auth-type': { type: 'string', describe: 'sms_auth (default, needs --mobile) | email_auth | webauthn_auth' },
      password: { type: 'string', describe: 'password (stored hashed)' },
    },
    async run(db, o) {
      const authType = str(o['auth-type']) ?? (o.mobile ? 'sms_auth' : 'email_auth');
      const row = await one(
        db,
        `select * from app_public.create_user(email_address => $1, name => $2, mobile_number => $3,
           platform_admin => $4, auth_type => $5, password => $6)`,
        [o.email, o.name, str(o.mobile), Boolean(o['platform-admin']), authType, str(o.password)],
      );
      return pick(
        row,
        'id',
        'name',
        'email_address',
        'mobile_number',
        'auth_type',
        'platform_admin',
        'state',
        'created_at',
      );
    },
  },
  'create-service': {
    summary: 'Create a service owned by a user',
    options: {
      name: { type: 'string', required: true, describe: 'service name (unique)' },
      user: { type: 'string', required: true, describe: 'id of the creating user' },
      organisation: { type: 'string', describe: 'organisation id (default: by the user’s email domain)' },
      'email-from': { type: 'string', describe: 'local part of the from address' },
      permissions: { type: 'string', describe: 'comma-separated service permissions (default: the standard set)' },
      live: { type: 'boolean', describe: 'create the service live (not restricted/trial)' },
    },
    async run(db, o) {
      const permissions =
        str(o.permissions)
          ?.split(',')
          .map((p) => p.trim())
          .filter(Boolean) ?? null;
      return one(
        db,
        `select * from app_public.create_service(name => $1, user_id => $2, organisation_id => $3,
           email_from => $4, permissions => $5, restricted => $6)`,
        [o.name, uuidOpt(o, 'user'), uuidOpt(o, 'organisation'), str(o['email-from']), permissions, !o.live],
      );
    },
  },
  'create-api-key': {
    summary: 'Create an API key; prints the full key once',
    options: {
      service: { type: 'string', required: true, describe: 'service id' },
      name: { type: 'string', required: true, describe: 'key name' },
      type: { type: 'string', required: true, describe: 'normal|team|test' },
    },
    async run(db, o) {
      if (!['normal', 'team', 'test'].includes(String(o.type)))
        throw new UsageError('--type must be normal, team or test');
      return one(db, 'select * from app_public.create_api_key(service_id => $1, name => $2, key_type => $3)', [
        uuidOpt(o, 'service'),
        o.name,
        o.type,
      ]);
    },
  },
  'create-template': {
    summary: 'Create a template (version 1)',
    options: {
      service: { type: 'string', required: true, describe: 'service id' },
      type: { type: 'string', required: true, describe: 'sms|email|letter' },
      name: { type: 'string', required: true, describe: 'template name' },
      content: { type: 'string', required: true, describe: 'body with ((placeholders))' },
      subject: { type: 'string', describe: 'subject (email and letter)' },
      postage: { type: 'string', describe: 'letters: first|second|economy|europe|rest-of-world' },
      'letter-contact': { type: 'string', describe: 'letter contact block id' },
    },
    async run(db, o) {
      if (!['sms', 'email', 'letter'].includes(String(o.type)))
        throw new UsageError('--type must be sms, email or letter');
      const row = await one(
        db,
        `select * from app_public.create_template(service_id => $1, template_type => $2, name => $3,
           content => $4, subject => $5, postage => $6, letter_contact_id => $7)`,
        [
          uuidOpt(o, 'service'),
          o.type,
          o.name,
          o.content,
          str(o.subject),
          str(o.postage),
          uuidOpt(o, 'letter-contact'),
        ],
      );
      return pick(row, 'id', 'version');
    },
  },
  'update-template': {
    summary: 'Update a template; every update is a new version',
    options: {
      template: { type: 'string', required: true, describe: 'template id' },
      name: { type: 'string', describe: 'new name' },
      content: { type: 'string', describe: 'new body' },
      subject: { type: 'string', describe: 'new subject' },
      'letter-contact': { type: 'string', describe: 'letter contact block id' },
    },
    async run(db, o) {
      if (
        o.name === undefined &&
        o.content === undefined &&
        o.subject === undefined &&
        o['letter-contact'] === undefined
      ) {
        throw new UsageError('nothing to update: give at least one of --name, --content, --subject, --letter-contact');
      }
      const row = await one(
        db,
        `select * from app_public.update_template(template_id => $1, name => $2, content => $3,
           subject => $4, letter_contact_id => $5)`,
        [uuidOpt(o, 'template'), str(o.name), str(o.content), str(o.subject), uuidOpt(o, 'letter-contact')],
      );
      return pick(row, 'id', 'version');
    },
  },
  'add-sms-sender': {
    summary: 'Add a text message sender to a service',
    options: {
      service: { type: 'string', required: true, describe: 'service id' },
      sender: { type: 'string', required: true, describe: 'sender (≤ 11 characters, or a phone number)' },
      default: { type: 'boolean', describe: 'make it the default sender' },
      'inbound-number': { type: 'string', describe: 'inbound number to link' },
    },
    run: (db, o) =>
      one(
        db,
        `select * from app_public.add_sms_sender(
           service_id => $1, sms_sender => $2, is_default => $3, inbound_number => $4)`,
        [uuidOpt(o, 'service'), o.sender, Boolean(o.default), str(o['inbound-number'])],
      ),
  },
  'add-email-reply-to': {
    summary: 'Add an email reply-to address to a service',
    options: {
      service: { type: 'string', required: true, describe: 'service id' },
      email: { type: 'string', required: true, describe: 'reply-to address' },
      default: { type: 'boolean', describe: 'make it the default' },
    },
    run: (db, o) =>
      one(db, 'select * from app_public.add_email_reply_to(service_id => $1, email_address => $2, is_default => $3)', [
        uuidOpt(o, 'service'),
        o.email,
        Boolean(o.default),
      ]),
  },
  'add-letter-contact': {
    summary: 'Add a letter contact block to a service',
    options: {
      service: { type: 'string', required: true, describe: 'service id' },
      'contact-block': { type: 'string', required: true, describe: 'contact block text' },
      default: { type: 'boolean', describe: 'make it the default' },
    },
    run: (db, o) =>
      one(db, 'select * from app_public.add_letter_contact(service_id => $1, contact_block => $2, is_default => $3)', [
        uuidOpt(o, 'service'),
        o['contact-block'],
        Boolean(o.default),
      ]),
  },
  'add-inbound-number': {
    summary: 'Assign an inbound number to a service',
    options: {
      number: { type: 'string', required: true, describe: 'the number texts are received on' },
      service: { type: 'string', required: true, describe: 'service id' },
    },
    run: (db, o) =>
      one(db, 'select * from app_public.add_inbound_number(number => $1, service_id => $2)', [
        o.number,
        uuidOpt(o, 'service'),
      ]),
  },
  'receive-sms': {
    summary: 'Record a received text for the service owning an inbound number',
    options: {
      to: { type: 'string', required: true, describe: 'inbound number' },
      from: { type: 'string', required: true, describe: 'sender’s phone number' },
      content: { type: 'string', required: true, describe: 'message text' },
    },
    async run(db, o) {
      const row = await one(
        db,
        'select * from app_public.receive_sms(notify_number => $1, user_number => $2, content => $3)',
        [o.to, receivedTextSender(String(o.from)), o.content],
      );
      return pick(row, 'id', 'service_id', 'notify_number', 'user_number', 'created_at');
    },
  },
  'set-delivery-callback': callbackCommand(
    'delivery_status',
    'Set the URL a service’s delivery statuses are POSTed to',
  ),
  'set-inbound-callback': callbackCommand(
    'inbound_sms',
    'Set the URL a service’s received text messages are POSTed to',
  ),
  'issue-admin-token': {
    summary: 'Print a JWT for /graphql acting as a user',
    options: {
      user: { type: 'string', required: true, describe: 'user id' },
      expires: { type: 'string', describe: 'lifetime, e.g. 12h (default), 30m' },
    },
    async run(db, o) {
      const id = uuidOpt(o, 'user');
      const { rows } = await db.query<{ platform_admin: boolean }>(
        'select platform_admin from app_public.users where id = $1',
        [id],
      );
      if (!rows[0]) throw new UsageError(`user ${id} not found`);
      const token = issueAdminToken(config().ADMIN_JWT_SECRET, id!, rows[0].platform_admin, str(o.expires) ?? '12h');
      return { token, user_id: id, platform_admin: rows[0].platform_admin };
    },
  },
  'run-task': {
    summary: 'Run a worker task now, wait, print its outcome',
    positional: 'NAME',
    options: {
      payload: { type: 'string', describe: 'JSON payload' },
      timeout: { type: 'string', describe: 'seconds to wait (default 600)' },
    },
    async run(_db, o, pos, ctx) {
      const name = pos[0];
      if (!name) throw new UsageError('run-task needs a task NAME');
      let payload: unknown = {};
      if (o.payload !== undefined) {
        try {
          payload = JSON.parse(String(o.payload));
        } catch {
          throw new UsageError('--payload must be valid JSON');
        }
      }
      const timeout = o.timeout === undefined ? 600 : Number(o.timeout);
      if (!Number.isFinite(timeout) || timeout <= 0)
        throw new UsageError('--timeout must be a positive number of seconds');
      try {
        const outcome = await runTask(ctx.url, name, payload, timeout * 1000);
        if (outcome.status === 'failed') process.exitCode = 1;
        return outcome;
      } catch (e) {
        if (e instanceof UnknownTaskError) throw new UsageError(e.message);
        throw e;
      }
    },
  },
  'send-notification': {
    summary: 'Send one notification from a template, as the platform (the v2 API’s rules; no API key)',
    options: {
      service: { type: 'string', required: true, describe: 'service id' },
      template: { type: 'string', required: true, describe: 'template id (its type picks sms, email or letter)' },
      to: { type: 'string', describe: 'phone number or email address (not for letters)' },
      personalisation: { type: 'string', describe: 'JSON object of placeholder values (letters: the address too)' },
      reference: { type: 'string', describe: 'your reference (client_reference)' },
    },
    async run(_db, o, _p, ctx) {
      let personalisation: Record<string, unknown> | null = null;
      if (o.personalisation !== undefined) {
        try {
          personalisation = JSON.parse(String(o.personalisation));
        } catch {
          throw new UsageError('--personalisation must be valid JSON');
        }
        if (!personalisation || typeof personalisation !== 'object' || Array.isArray(personalisation))
          throw new UsageError('--personalisation must be a JSON object');
      }
      // The same path as the v2 API and GraphQL (src/sending, create_notifications), read fresh.
      const pool = new pg.Pool({ connectionString: ctx.url, max: 2 });
      let s3 = null as ReturnType<typeof makeS3Client> | null;
      try {
        const cfg = config();
        const { id, type, prepared } = await sendFromTemplate(
          {
            cache: new V2Cache({ pool, listenUrl: null, ttlMs: 0 }),
            batcher: new CreateBatcher(pool),
            pool,
            s3: () => {
              s3 ??= makeS3Client(cfg);
              return s3;
            },
            cfg,
          },
          { userId: null },
          {
            serviceId: String(o.service),
            templateId: String(o.template),
            to: str(o.to),
            personalisation,
            reference: str(o.reference),
          },
        );
        const { item } = prepared;
        return { id, notification_type: type, to: item.to, status: item.status ?? 'created', key_type: item.key_type };
      } finally {
        s3?.destroy();
        await pool.end();
      }
    },
  },
  'send-job': {
    summary:
      'Send a recipients file (CSV/TSV) as a job: checked as an upload, then create_job (exit 1 with the report)',
    options: {
      service: { type: 'string', required: true, describe: 'service id' },
      template: { type: 'string', required: true, describe: 'template id' },
      file: { type: 'string', required: true, describe: 'path of the CSV or TSV file' },
      'scheduled-for': { type: 'string', describe: 'ISO 8601 time to send at (within 7 days)' },
      user: { type: 'string', describe: 'send as this user (their send permission is checked); default the platform' },
      sender: { type: 'string', describe: 'SMS sender (texts) or reply-to address (emails) id for every row' },
    },
    async run(_db, o, _p, ctx) {
      const userId = uuidOpt(o, 'user');
      const scheduledFor = str(o['scheduled-for']);
      if (scheduledFor !== null && Number.isNaN(Date.parse(scheduledFor))) {
        throw new UsageError(`--scheduled-for must be an ISO 8601 date and time, got '${scheduledFor}'`);
      }
      const file = String(o.file);
      try {
        await fs.promises.access(file, fs.constants.R_OK);
      } catch {
        throw new UsageError(`cannot read --file ${file}`);
      }
      // The upload route's path (src/jobs): streamed to the CSV bucket, checked, then create_job.
      const pool = new pg.Pool({ connectionString: ctx.url, max: 2 });
      const cfg = config();
      const s3 = makeS3Client(cfg);
      try {
        const deps = { cache: new V2Cache({ pool, listenUrl: null, ttlMs: 0 }), pool, s3: () => s3, cfg };
        const actor: JobActor = { userId };
        if (userId) {
          const claims = await resolveAdminUser(pool, { sub: userId }).catch((e) => {
            throw new UsageError(`--user ${userId}: ${(e as Error).message}`);
          });
          actor.assertMaySend = async (serviceId, permission) => {
            if (await userHasServicePermission(deps, claims, serviceId, permission)) return;
            if (permission === null) throw new ApiError(404, 'BadRequestError', `Service ${serviceId} not found`);
            throw new ApiError(
              403,
              'BadRequestError',
              `Permission denied: ${permission} needed on service ${serviceId}`,
            );
          };
        }
        const report = await uploadAndCheck(deps, actor, {
          serviceId: String(o.service),
          templateId: String(o.template),
          fileName: path.basename(file),
          body: fs.createReadStream(file),
          senderId: str(o.sender),
        });
        if (!report.valid) {
          process.exitCode = 1;
          return report;
        }
        const job = await createJob(pool, {
          serviceId: String(o.service),
          templateId: report.template_id,
          uploadId: report.upload_id,
          fileName: report.original_file_name,
          scheduledFor,
          userId,
        });
        return pick(
          job as unknown as Record<string, unknown>,
          'id',
          'job_status',
          'notification_count',
          'original_file_name',
          'scheduled_for',
          'created_by_id',
        );
      } finally {
        s3.destroy();
        await pool.end();
      }
    },
  },
  'job-status': {
    summary: 'A job’s status, progress and notifications counted by status',
    options: { job: { type: 'string', required: true, describe: 'job id' } },
    async run(db, o) {
      const status = await jobStatus(db, uuidOpt(o, 'job')!);
      if (!status) throw new ApiError(404, 'NoResultFound', `Job ${String(o.job)} not found`);
      return {
        ...pick(
          status as unknown as Record<string, unknown>,
          'id',
          'job_status',
          'notification_count',
          'processed',
          'scheduled_for',
          'processing_started',
          'processing_finished',
        ),
        statistics: Object.fromEntries(status.statistics.map((s) => [s.status, s.count])),
      };
    },
  },
  'db-url': {
    summary: 'Print the connection string of the database in use',
    options: {},
    async run(_db, _o, _p, ctx) {
      return { url: ctx.url };
    },
  },
};

function usage(name?: string): string {
  if (name && commands[name]) {
    const c = commands[name];
    const lines = Object.entries(c.options).map(
      ([k, s]) => `  --${k}${s.type === 'string' ? ' VALUE' : ''}${s.required ? ' (required)' : ''}  ${s.describe}`,
    );
    const positional = c.positional ? ` ${c.positional}` : '';
    return `Usage: notify ${name}${positional} [options] [--json]\n${c.summary}\n${lines.join('\n')}\n`;
  }
  const list = Object.entries(commands).map(([k, c]) => `  ${k.padEnd(22)} ${c.summary}`);
  const help = 'Run notify <command> --help for its options.';
  return `Usage: notify <command> [options] [--json]\n\nCommands:\n${list.join('\n')}\n\n${help}\n`;
}

function print(result: unknown, json: boolean) {
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  if (result && typeof result === 'object' && !Array.isArray(result)) {
    for (const [k, v] of Object.entries(result)) {
      process.stdout.write(
        `${k}: ${v instanceof Date ? v.toISOString() : typeof v === 'object' && v !== null ? JSON.stringify(v) : v}\n`,
      );
    }
  } else {
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  }
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help') {
    process.stdout.write(usage());
    return name ? 0 : 2;
  }
  const command = commands[name];
  if (!command) {
    process.stderr.write(`Unknown command '${name}'.\n${usage()}`);
    return 2;
  }
  let values: Opts;
  let positionals: string[];
  try {
    const parsed = parseArgs({
      args: rest,
      allowPositionals: Boolean(command.positional),
      options: {
        ...Object.fromEntries(Object.entries(command.options).map(([k, s]) => [k, { type: s.type }])),
        json: { type: 'boolean' },
        help: { type: 'boolean' },
      },
      strict: true,
    });
    values = parsed.values as Opts;
    positionals = parsed.positionals;
    if (values.help) {
      process.stdout.write(usage(name));
      return 0;
    }
    const missing = Object.entries(command.options).filter(
      ([k, s]) => s.required && (values[k] === undefined || values[k] === ''),
    );
    if (missing.length)
      throw new UsageError(
        `missing required option${missing.length > 1 ? 's' : ''}: ${missing.map(([k]) => `--${k}`).join(', ')}`,
      );
  } catch (e) {
    process.stderr.write(`notify ${name}: ${(e as Error).message}\n${usage(name)}`);
    return 2;
  }

  let cfg: Config;
  try {
    cfg = config();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`${e.message}\n`);
      return 1;
    }
    throw e;
  }
  const database = await prepareDatabase(cfg);
  const client = new pg.Client({ connectionString: database.ownerUrl });
  await client.connect();
  try {
    const result = await command.run(client, values, positionals, { url: database.ownerUrl });
    print(result, Boolean(values.json));
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof UsageError) {
      process.stderr.write(`notify ${name}: ${e.message}\n${usage(name)}`);
      return 2;
    }
    // A refusal by the sending rules, with the v2 API's error name and message.
    if (e instanceof ApiError) {
      process.stderr.write(`notify ${name}: ${e.message} [${e.errorName}]\n`);
      if (values.json) process.stdout.write(`${JSON.stringify({ error: e.errorName, message: e.message })}\n`);
      return 1;
    }
    const pe = e as { code?: string; message: string; detail?: string };
    if (pe.code) {
      const msg = `notify ${name}: ${pe.message}${pe.detail ? ` (${pe.detail})` : ''} [${pe.code}]`;
      process.stderr.write(`${msg}\n`);
      if (values.json) process.stdout.write(`${JSON.stringify({ error: pe.code, message: pe.message })}\n`);
      return 1;
    }
    throw e;
  } finally {
    await client.end();
    await database.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
