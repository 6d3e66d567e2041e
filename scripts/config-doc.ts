// `npm run config:doc`: write docs/configuration.md from the zod schema in src/config.ts (each
// variable's description, default and accepted values, by section). `--check` fails when the
// checked-in file is stale (CI).
import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { configSections, projectRoot } from '../src/config.ts';

const target = path.join(projectRoot, 'docs', 'configuration.md');

const header = `# Configuration

<!-- Generated from src/config.ts by \`npm run config:doc\`: edit the descriptions there, not here. -->

This file is generated from the zod schema in \`src/config.ts\`: change a variable there, then run
\`npm run config:doc\` and commit both. CI runs \`npm run config:doc -- --check\`, which fails when this
file is stale.

Set the variables in the environment or in a \`.env\` file in the project root; an empty value counts
as unset. A bad value stops start-up with a message naming the variable. The defaults give a
complete local set-up: \`npm start\` runs an embedded Postgres, a local S3 server and simulated
providers.

## What production needs

A server others can reach (\`NODE_ENV=production\`, or a \`HOST\` that is not a loopback address such as
\`0.0.0.0\`) refuses to start, naming the variable, until these are set; the development defaults are
published in this repository.

- \`ADMIN_JWT_SECRET\` (at least 16 characters, not the development default).
- \`AUTHENTICATOR_PASSWORD\` (at least 8 characters, not the development default), unless
  \`AUTH_DATABASE_URL\` is given. Start-up sets it on \`notify_authenticator\` (GraphQL) and \`notify_api\`
  (the v2 API, which reads what it reads and calls what it calls, nothing more); \`API_DATABASE_URL\` gives
  the v2 API a connection of its own instead.
- \`PROVIDER_CALLBACK_TOKEN\` (at least 16 characters): providers present it on delivery receipts and
  inbound texts (\`Authorization: Bearer …\` or \`?token=…\`). It is required too whenever a real provider is
  configured. SES events by SNS may instead come from a topic in \`SNS_TOPIC_ARNS\`, signed by Amazon SNS.
- \`DATABASE_URL\`: the owner connection to an existing Postgres. Unset, an embedded Postgres is
  started in \`EMBEDDED_PG_DIR\`; its superuser password is generated on first start and kept in that
  directory (\`notify-superuser-password\`; \`npx notify db-url\` prints the URL), and a directory from
  before, still on the published \`postgres\` password, gets a generated one.
- \`S3_ENDPOINT\` (with \`S3_REGION\`, \`S3_ACCESS_KEY_ID\`, \`S3_SECRET_ACCESS_KEY\`). Unset, \`npm start\`
  runs a local S3 server on \`S3_LOCAL_PORT\`.

Callbacks to services then go only to https URLs whose host resolves to public addresses (no private,
loopback or link-local ones, no user name or password in the URL).
`;

type Def = { typeName: string; description?: string; [key: string]: unknown };
const def = (t: z.ZodTypeAny) => t._def as Def;

/** The type under defaults, optionals and transforms; its default; its description. */
interface Variable {
  base: z.ZodTypeAny;
  defaultValue: unknown;
  optional: boolean;
  description?: string;
}

function unwrap(t: z.ZodTypeAny): Variable {
  let defaultValue: unknown;
  let optional = false;
  let description: string | undefined;
  for (;;) {
    description ??= t.description;
    if (t instanceof z.ZodDefault) {
      defaultValue = t._def.defaultValue();
      t = t._def.innerType;
    } else if (t instanceof z.ZodOptional) {
      optional = true;
      t = t._def.innerType;
    } else if (t instanceof z.ZodEffects) {
      t = t._def.schema;
    } else {
      return { base: t, defaultValue, optional, description };
    }
  }
}

const code = (s: string) => `\`${s}\``;

function accepted(t: z.ZodTypeAny): string {
  if (t instanceof z.ZodEnum) return (t.options as string[]).map(code).join(', ');
  if (t instanceof z.ZodNumber) {
    let min: number | undefined;
    let max: number | undefined;
    for (const c of t._def.checks) {
      if (c.kind === 'min') min = c.value;
      if (c.kind === 'max') max = c.value;
    }
    const kind = t.isInt ? 'integer' : 'number';
    if (min !== undefined && max !== undefined) return `${kind} ${min}–${max}`;
    if (min !== undefined) return `${kind} ≥ ${min}`;
    if (max !== undefined) return `${kind} ≤ ${max}`;
    return kind;
  }
  if (t instanceof z.ZodString) {
    const parts: string[] = [];
    let url = false;
    for (const c of t._def.checks) {
      if (c.kind === 'url') url = true;
      else if (c.kind === 'regex') parts.push(`matching ${code(c.regex.source.replace(/\\\//g, '/'))}`);
      else if (c.kind === 'min' && c.value > 1) parts.push(`at least ${c.value} characters`);
      else if (c.kind === 'min' && c.value === 1) parts.push('not empty');
      else if (c.kind === 'max') parts.push(`at most ${c.value} characters`);
    }
    return [url ? 'URL' : 'text', ...parts].join(', ');
  }
  throw new Error(`config:doc does not know how to describe a ${def(t).typeName}`);
}

function defaultText(value: unknown, optional: boolean): string {
  if (value === undefined) return optional ? 'unset' : '';
  if (value === '') return 'empty';
  return code(String(value));
}

// A table cell: one line, no unescaped pipe.
const cell = (s: string) => s.replace(/\s*\n\s*/g, ' ').replace(/\|/g, '\\|');

function render(): string {
  const out = [header];
  const missing: string[] = [];
  for (const section of configSections) {
    out.push(`## ${section.title}\n`);
    out.push('| Variable | Default | Accepted values | Description |');
    out.push('|---|---|---|---|');
    for (const [name, type] of Object.entries(section.schema.shape as z.ZodRawShape)) {
      const { base, defaultValue, optional, description } = unwrap(type);
      if (!description) missing.push(name);
      const row = [code(name), defaultText(defaultValue, optional), accepted(base), description ?? ''];
      out.push(`| ${row.map(cell).join(' | ')} |`);
    }
    out.push('');
  }
  if (missing.length) throw new Error(`no description in src/config.ts for: ${missing.join(', ')}`);
  return out.join('\n');
}

const content = render();
const relative = path.relative(projectRoot, target);
if (process.argv.includes('--check')) {
  const existing = await fs.readFile(target, 'utf8').catch(() => '');
  if (existing !== content) {
    process.stderr.write(`${relative} is stale: run \`npm run config:doc\` and commit the result.\n`);
    process.exit(1);
  }
  process.stdout.write(`${relative} is up to date\n`);
} else {
  await fs.mkdir(path.dirname(target), { recursive: true });
  await fs.writeFile(target, content);
  process.stdout.write(`wrote ${relative}\n`);
}
