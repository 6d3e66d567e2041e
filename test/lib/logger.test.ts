import t from 'tap';
import { Writable } from 'node:stream';
import pino from 'pino';
import { parseConfig } from '../../src/config.ts';
import { logFormat, loggerOptions } from '../../src/lib/logger.ts';

t.test('auto: pretty in a terminal, JSON anywhere else', async (t) => {
  t.equal(logFormat('auto', true), 'pretty');
  t.equal(logFormat('auto', false), 'json');
  t.equal(parseConfig({}).LOG_FORMAT, 'auto', 'auto is the default');
});

t.test('LOG_FORMAT forces either, terminal or not', async (t) => {
  for (const isTTY of [true, false]) {
    t.equal(logFormat('json', isTTY), 'json', `json, isTTY=${isTTY}`);
    t.equal(logFormat('pretty', isTTY), 'pretty', `pretty, isTTY=${isTTY}`);
  }
  t.equal(parseConfig({ LOG_FORMAT: 'pretty' }).LOG_FORMAT, 'pretty');
  t.throws(() => parseConfig({ LOG_FORMAT: 'fancy' }), /LOG_FORMAT/);
});

t.test('the options: pino-pretty for pretty (coloured in a terminal only), none for JSON', async (t) => {
  const terminal = loggerOptions({ LOG_LEVEL: 'debug', LOG_FORMAT: 'auto' }, true);
  t.equal(terminal.level, 'debug');
  t.match(terminal.transport, { target: 'pino-pretty', options: { colorize: true } });
  const piped = loggerOptions({ LOG_LEVEL: 'warn', LOG_FORMAT: 'auto' }, false);
  t.same(piped, { level: 'warn' }, 'plain pino (JSON lines), as Fastify had before');
  const forced = loggerOptions({ LOG_LEVEL: 'info', LOG_FORMAT: 'pretty' }, false);
  t.match(forced.transport, { target: 'pino-pretty', options: { colorize: false } });
  t.same(loggerOptions({ LOG_LEVEL: 'info', LOG_FORMAT: 'json' }, true), { level: 'info' });
});

t.test('JSON options write one JSON object a line', async (t) => {
  let written = '';
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written += chunk.toString();
      done();
    },
  });
  const log = pino(loggerOptions({ LOG_LEVEL: 'info', LOG_FORMAT: 'json' }, false), sink);
  log.info({ id: 7 }, 'sent');
  log.debug('below the level');
  const lines = written.trim().split('\n');
  t.equal(lines.length, 1);
  t.match(JSON.parse(lines[0]), { level: 30, id: 7, msg: 'sent' });
});
