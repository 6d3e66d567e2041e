// A small JSON Schema validator for the subset the v2 schemas use, producing Notify's messages.
//
// Notify validates with python-jsonschema and turns each error into one message:
//   - `"<path[0]> <x-validationMessage>"` when the failing (sub)schema has one (Notify's `validationMessage`),
//   - otherwise `"<path[0]> <jsonschema message>"`, or just the message for errors at the root,
// with every single quote removed, then de-duplicated keeping the first. Errors come in the
// order python-jsonschema yields them: the keywords of each schema in their written order.
//
// Keywords: type, enum, const, required, properties, additionalProperties (false or a schema),
// items (a schema), maxLength, minLength, pattern, maxItems, allOf, anyOf, not, format. Formats
// checked: uuid, date-time, uri, email; `x-notify-format` (checked instead of `format`) names a
// Notify format whose failure message replaces jsonschema's: phone_number, email_address,
// datetime_within_next_day, and the send_a_file_* formats of a file sent by email.
import { ValidationError } from '../../lib/errors.ts';
import { isUuid } from '../../lib/uuid.ts';
import { validateEmailAddress, validatePhoneNumber, InvalidRecipientError } from '../../recipients/recipients.ts';

export type JsonSchema = {
  readonly [keyword: string]: unknown;
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly enum?: readonly unknown[];
  readonly format?: string;
  readonly 'x-notify-format'?: string;
  readonly 'x-validationMessage'?: string;
};

export interface ValidateOptions {
  /** Clock for scheduled_for checks. */
  now?: Date;
}

interface SchemaError {
  path: Array<string | number>;
  message: string;
  schema: JsonSchema;
}

// ---------------------------------------------------------------------------------------------
// Python repr, as python-jsonschema puts instances into messages.
// ---------------------------------------------------------------------------------------------

function pyString(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const c of s) {
    if (c === '\\') out += '\\\\';
    else if (c === quote) out += `\\${c}`;
    else if (c === '\n') out += '\\n';
    else if (c === '\r') out += '\\r';
    else if (c === '\t') out += '\\t';
    else if (c < ' ' || c === '\x7f') out += `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
    else out += c;
  }
  return quote + out + quote;
}

export function pyRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return pyString(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'nan';
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
    return String(value);
  }
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`;
  if (typeof value === 'object') {
    return `{${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${pyString(k)}: ${pyRepr(v)}`)
      .join(', ')}}`;
  }
  return String(value);
}

// ---------------------------------------------------------------------------------------------
// Types and formats
// ---------------------------------------------------------------------------------------------

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isType(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return isObject(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    default:
      return false;
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

// ISO 8601 as Notify reads scheduled_for, with python's datetime.fromisoformat (3.11+): a date
// (YYYY-MM-DD or YYYYMMDD), optionally any one character then a time (HH, HH:MM, HH:MM:SS or
// the same without colons, fractional seconds after `.` or `,`), optionally a zone (Z, ±HH,
// ±HH:MM, ±HHMM, ±HH:MM:SS). No surrounding spaces. No zone means UTC.
const ISO_DATE = String.raw`(\d{4})(?:-(\d{2})-(\d{2})|(\d{2})(\d{2}))`;
const ISO_TIME = String.raw`((\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?)`;
const ISO_ZONE = String.raw`(Z|[+-]\d{2}(?::?\d{2}(?::?\d{2}(?:\.\d+)?)?)?)`;
const ISO_RE = new RegExp(`^${ISO_DATE}(?:[\\s\\S]${ISO_TIME}${ISO_ZONE}?)?$`, 'iu');

/** Parses an ISO 8601 date-time as python's datetime.fromisoformat does; null when it is not one. */
export function parseIsoDateTime(value: string): Date | null {
  const m = ISO_RE.exec(value);
  if (!m) return null;
  const [, y, mo1, d1, mo2, d2, , h = '0', mi = '0', s = '0', frac = '', zone = 'Z'] = m;
  const [year, month, day, hour, minute, second] = [y, mo1 ?? mo2, d1 ?? d2, h, mi, s].map(Number);
  if (year < 1 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > daysInMonth) return null;
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  let offsetSeconds = 0;
  if (zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(/:/g, '');
    const [oh, om, os] = [digits.slice(0, 2), digits.slice(2, 4), digits.slice(4, 6)].map((x) => Number(x || 0));
    if (oh > 23 || om > 59 || os > 59) return null;
    offsetSeconds = sign * (oh * 3600 + om * 60 + os);
  }
  const local = new Date(0);
  local.setUTCFullYear(year, month - 1, day);
  local.setUTCHours(hour, minute, second, ms);
  return new Date(local.getTime() - offsetSeconds * 1000);
}

// From notifications-api, app/schema_validation/__init__.py (validate_schema_date_with_hour).
export const SCHEDULED_FOR_MESSAGES = {
  invalid:
    'datetime format is invalid. It must be a valid ISO8601 date time format, https://en.wikipedia.org/wiki/ISO_8601',
  past: 'datetime can not be in the past',
  tooFar: 'datetime can only be 24 hours in the future',
} as const;

/** Python's str() of a JSON value, as Notify's messages put it in with an f-string. */
function pyStr(value: unknown): string {
  return typeof value === 'string' ? value : pyRepr(value);
}

// The formats of a file sent by email, from notifications-api app/schema_validation/__init__.py
// (send_a_file_*): each is checked whatever the value's type.
const SEND_A_FILE_FORMATS: Record<string, (value: unknown) => string | null> = {
  send_a_file_retention_period: (value) => {
    if (value === null) return null;
    if (typeof value === 'string') {
      const m = /^(\d+) weeks?$/.exec(value.trim().toLowerCase());
      if (m && Number(m[1]) >= 1 && Number(m[1]) <= 78) return null;
    }
    return `Unsupported value for retention_period: ${pyStr(value)}. Supported periods are from 1 to 78 weeks.`;
  },
  send_a_file_filename: (value) =>
    value === null || (typeof value === 'string' && value.includes('.'))
      ? null
      : '`filename` must end with a file extension. For example, filename.csv',
  send_a_file_is_csv: (value) =>
    value === null || typeof value === 'boolean'
      ? null
      : `Unsupported value for is_csv: ${pyStr(value)}. Use a boolean true or false value.`,
  send_a_file_confirm_email_before_download: (value) =>
    value === null || typeof value === 'boolean'
      ? null
      : `Unsupported value for confirm_email_before_download: ${pyStr(value)}. Use a boolean true or false value.`,
};

/** Notify formats that apply to values of any type (the others pass anything but strings). */
function checkAnyFormat(format: string, value: unknown): string | null {
  return SEND_A_FILE_FORMATS[format]?.(value) ?? null;
}

/** null when the format holds, else the message (without the field name). */
function checkFormat(format: string, notify: boolean, value: string, options: ValidateOptions): string | null {
  // Made only for a value that fails: the repr is a walk over every character.
  const generic = () => `${pyRepr(value)} is not a ${pyRepr(format)}`;
  switch (format) {
    case 'uuid':
      return isUuid(value) ? null : generic();
    case 'date-time':
      return parseIsoDateTime(value) ? null : generic();
    case 'uri':
      return /^[a-z][a-z0-9+.-]*:\S+$/i.test(value) && URL.canParse(value) ? null : generic();
    case 'email':
      return value.includes('@') ? null : generic();
    case 'phone_number':
    case 'email_address':
      try {
        // As Notify's schema check: any number it could send to; the service's permissions come later.
        if (format === 'phone_number') validatePhoneNumber(value, { allowInternational: true, allowLandline: true });
        else validateEmailAddress(value);
        return null;
      } catch (e) {
        if (e instanceof InvalidRecipientError) return e.message;
        throw e;
      }
    case 'datetime_within_next_day': {
      const when = parseIsoDateTime(value);
      if (!when) return SCHEDULED_FOR_MESSAGES.invalid;
      const now = (options.now ?? new Date()).getTime();
      if (when.getTime() < now) return SCHEDULED_FOR_MESSAGES.past;
      if (when.getTime() > now + 24 * 3600_000) return SCHEDULED_FOR_MESSAGES.tooFar;
      return null;
    }
    default:
      if (format in SEND_A_FILE_FORMATS) return checkAnyFormat(format, value);
      return notify ? `unknown format ${format}` : null; // unknown standard formats are annotations
  }
}

// ---------------------------------------------------------------------------------------------
// Validation
// ---------------------------------------------------------------------------------------------

function* iterErrors(
  schema: JsonSchema,
  instance: unknown,
  path: Array<string | number>,
  options: ValidateOptions,
): Generator<SchemaError> {
  const error = (message: string, at: Array<string | number> = path): SchemaError => ({ path: at, message, schema });
  for (const [keyword, spec] of Object.entries(schema)) {
    switch (keyword) {
      case 'type': {
        const types = (Array.isArray(spec) ? spec : [spec]) as string[];
        if (!types.some((t) => isType(instance, t))) {
          yield error(`${pyRepr(instance)} is not of type ${types.map(pyRepr).join(', ')}`);
        }
        break;
      }
      case 'enum': {
        const values = spec as unknown[];
        if (!values.some((v) => deepEqual(v, instance)))
          yield error(`${pyRepr(instance)} is not one of ${pyRepr(values)}`);
        break;
      }
      case 'const':
        if (!deepEqual(spec, instance)) yield error(`${pyRepr(spec)} was expected`);
        break;
      case 'required':
        if (isObject(instance)) {
          for (const name of spec as string[]) {
            if (!(name in instance)) yield error(`${pyRepr(name)} is a required property`);
          }
        }
        break;
      case 'properties':
        if (isObject(instance)) {
          for (const [name, sub] of Object.entries(spec as Record<string, JsonSchema>)) {
            if (Object.hasOwn(instance, name)) yield* iterErrors(sub, instance[name], [...path, name], options);
          }
        }
        break;
      case 'additionalProperties':
        if (isObject(instance)) {
          const known = new Set(Object.keys(schema.properties ?? {}));
          const extras = Object.keys(instance).filter((k) => !known.has(k));
          if (spec === false && extras.length) {
            const sorted = [...extras].sort();
            yield error(
              `Additional properties are not allowed (${sorted.map(pyRepr).join(', ')} ` +
                `${sorted.length === 1 ? 'was' : 'were'} unexpected)`,
            );
          } else if (isObject(spec)) {
            for (const name of extras) yield* iterErrors(spec as JsonSchema, instance[name], [...path, name], options);
          }
        }
        break;
      case 'items':
        if (Array.isArray(instance) && isObject(spec)) {
          for (let i = 0; i < instance.length; i++)
            yield* iterErrors(spec as JsonSchema, instance[i], [...path, i], options);
        }
        break;
      case 'maxItems':
        if (Array.isArray(instance) && instance.length > (spec as number))
          yield error(`${pyRepr(instance)} is too long`);
        break;
      case 'maxLength':
        if (typeof instance === 'string' && characterCount(instance) > (spec as number))
          yield error(`${pyRepr(instance)} is too long`);
        break;
      case 'minLength':
        if (typeof instance === 'string' && characterCount(instance) < (spec as number)) {
          yield error(`${pyRepr(instance)} ${spec === 1 ? 'should be non-empty' : 'is too short'}`);
        }
        break;
      case 'pattern':
        if (typeof instance === 'string' && !new RegExp(spec as string, 'u').test(instance)) {
          yield error(`${pyRepr(instance)} does not match ${pyRepr(spec)}`);
        }
        break;
      case 'format':
        if (typeof instance === 'string' && schema['x-notify-format'] === undefined) {
          const message = checkFormat(spec as string, false, instance, options);
          if (message !== null) yield error(message);
        }
        break;
      case 'x-notify-format':
        if (typeof instance === 'string') {
          const message = checkFormat(spec as string, true, instance, options);
          if (message !== null) yield error(message);
        } else {
          const message = checkAnyFormat(spec as string, instance);
          if (message !== null) yield error(message);
        }
        break;
      case 'allOf':
        for (const sub of spec as JsonSchema[]) yield* iterErrors(sub, instance, path, options);
        break;
      case 'anyOf': {
        const subs = spec as JsonSchema[];
        if (!subs.some((sub) => iterErrors(sub, instance, path, options).next().done)) {
          yield error(`${pyRepr(instance)} is not valid under any of the given schemas`);
        }
        break;
      }
      case 'not':
        if (iterErrors(spec as JsonSchema, instance, path, options).next().done) {
          yield error(`${pyRepr(instance)} should not be valid under ${pyRepr(spec)}`);
        }
        break;
      default:
        break; // annotations: title, description, examples, $schema, x-…
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The fast path: whether there is any error at all
// ---------------------------------------------------------------------------------------------

/** Characters as python counts them (code points; a lone surrogate is one), as `[...value].length` does. */
function characterCount(value: string): number {
  let n = value.length;
  for (let i = 0; i < value.length - 1; i++) {
    const c = value.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = value.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n--;
        i++;
      }
    }
  }
  return n;
}

type Check = (instance: unknown, options: ValidateOptions) => boolean;

/**
 * A schema compiled to one test: true exactly when iterErrors would yield nothing. Most bodies are valid, and
 * finding that out needs no messages, no paths and no generators; the full walk runs only for a body with
 * something wrong. Each keyword is decided as in iterErrors, in the same order (so what throws, throws
 * alike); test/routes/v2/validate-fast.test.ts compares the two over generated bodies.
 */
const compiled = new WeakMap<JsonSchema, Check>();

function compile(schema: JsonSchema): Check {
  const known = compiled.get(schema);
  if (known) return known;
  const checks: Check[] = [];
  for (const [keyword, spec] of Object.entries(schema)) {
    const check = compileKeyword(schema, keyword, spec);
    if (check) checks.push(check);
  }
  const check: Check = (instance, options) => {
    for (const c of checks) if (!c(instance, options)) return false;
    return true;
  };
  compiled.set(schema, check);
  return check;
}

function compileKeyword(schema: JsonSchema, keyword: string, spec: unknown): Check | null {
  switch (keyword) {
    case 'type': {
      const types = (Array.isArray(spec) ? spec : [spec]) as string[];
      return (instance) => types.some((t) => isType(instance, t));
    }
    case 'enum': {
      // deepEqual of each value, with the values' side worked out once.
      const values = (spec as unknown[]).map((v) => JSON.stringify(v));
      return (instance) => values.length > 0 && values.includes(JSON.stringify(instance));
    }
    case 'const': {
      const value = JSON.stringify(spec);
      return (instance) => value === JSON.stringify(instance);
    }
    case 'required': {
      const names = spec as string[];
      return (instance) => !isObject(instance) || names.every((name) => name in instance);
    }
    case 'properties': {
      const subs = Object.entries(spec as Record<string, JsonSchema>).map(
        ([name, sub]) => [name, compile(sub)] as const,
      );
      return (instance, options) =>
        !isObject(instance) ||
        subs.every(([name, sub]) => !Object.hasOwn(instance, name) || sub(instance[name], options));
    }
    case 'additionalProperties': {
      const known = new Set(Object.keys(schema.properties ?? {}));
      if (spec === false) {
        return (instance) => !isObject(instance) || Object.keys(instance).every((k) => known.has(k));
      }
      if (!isObject(spec)) return null;
      const sub = compile(spec as JsonSchema);
      return (instance, options) =>
        !isObject(instance) || Object.keys(instance).every((k) => known.has(k) || sub(instance[k], options));
    }
    case 'items': {
      if (!isObject(spec)) return null;
      const sub = compile(spec as JsonSchema);
      return (instance, options) => !Array.isArray(instance) || instance.every((item) => sub(item, options));
    }
    case 'maxItems':
      return (instance) => !Array.isArray(instance) || instance.length <= (spec as number);
    case 'maxLength':
      // Never more characters than UTF-16 units: only a long value needs counting.
      return (instance) =>
        typeof instance !== 'string' ||
        instance.length <= (spec as number) ||
        characterCount(instance) <= (spec as number);
    case 'minLength':
      return (instance) => typeof instance !== 'string' || characterCount(instance) >= (spec as number);
    case 'pattern': {
      const re = new RegExp(spec as string, 'u');
      return (instance) => typeof instance !== 'string' || re.test(instance);
    }
    case 'format':
      return (instance, options) =>
        typeof instance !== 'string' ||
        schema['x-notify-format'] !== undefined ||
        checkFormat(spec as string, false, instance, options) === null;
    case 'x-notify-format':
      return (instance, options) =>
        (typeof instance === 'string'
          ? checkFormat(spec as string, true, instance, options)
          : checkAnyFormat(spec as string, instance)) === null;
    case 'allOf': {
      const subs = (spec as JsonSchema[]).map(compile);
      return (instance, options) => subs.every((sub) => sub(instance, options));
    }
    case 'anyOf': {
      const subs = (spec as JsonSchema[]).map(compile);
      return (instance, options) => subs.some((sub) => sub(instance, options));
    }
    case 'not': {
      const sub = compile(spec as JsonSchema);
      return (instance, options) => !sub(instance, options);
    }
    default:
      return null;
  }
}

/** Whether `data` is valid: the same answer as `schemaErrors(schema, data).length === 0`, found faster. */
export function isValid(schema: JsonSchema, data: unknown, options: ValidateOptions = {}): boolean {
  return compile(schema)(data, options);
}

function formatError(e: SchemaError): string {
  const custom = e.schema['x-validationMessage'];
  if (typeof custom === 'string') return (e.path.length ? `${e.path[0]} ${custom}` : custom).trim();
  const text = e.path.length ? `${e.path[0]} ${e.message}` : e.message;
  return text.replace(/'/g, '');
}

/** Notify's messages for everything wrong with `data`, de-duplicated, in jsonschema's order. */
export function schemaErrors(schema: JsonSchema, data: unknown, options: ValidateOptions = {}): string[] {
  return isValid(schema, data, options) ? [] : fullSchemaErrors(schema, data, options);
}

/** schemaErrors by the full walk alone, without the fast path first (for the test that compares the two). */
export function fullSchemaErrors(schema: JsonSchema, data: unknown, options: ValidateOptions = {}): string[] {
  const messages: string[] = [];
  for (const e of iterErrors(schema, data, [], options)) {
    const message = formatError(e);
    if (!messages.includes(message)) messages.push(message);
  }
  return messages;
}

/** Returns `data` typed as T when valid; throws ValidationError (400) with every message otherwise. */
export function validate<T>(schema: JsonSchema, data: unknown, options: ValidateOptions = {}): T {
  const messages = schemaErrors(schema, data, options);
  if (messages.length) throw new ValidationError(messages);
  return data as T;
}

/**
 * Turns a parsed query string (values string or string[]) into the shape a query schema
 * describes: arrays for `type: "array"` properties, the first value for the rest.
 */
export function queryToObject(schema: JsonSchema, query: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, raw] of Object.entries(query)) {
    if (raw === undefined) continue;
    const list = Array.isArray(raw) ? raw : [raw];
    const sub = schema.properties?.[key];
    const wantsArray =
      sub !== undefined && (sub.type === 'array' || (Array.isArray(sub.type) && sub.type.includes('array')));
    out[key] = wantsArray ? list : list[0];
  }
  return out;
}
