// The server's logger (pino; Fastify's takes the same options). In a terminal the lines are
// pretty-printed for people (pino-pretty, in pino's transport thread); anywhere else — a file, a
// pipe, a log collector — they stay JSON, one object a line. LOG_FORMAT forces either.
import pino, { type LoggerOptions } from 'pino';
import { config, type Config } from '../config.ts';

export type LogFormat = 'pretty' | 'json';

export function logFormat(setting: Config['LOG_FORMAT'], isTTY = Boolean(process.stdout.isTTY)): LogFormat {
  if (setting !== 'auto') return setting;
  return isTTY ? 'pretty' : 'json';
}

/** pino options for LOG_LEVEL and LOG_FORMAT, given whether standard output is a terminal. */
export function loggerOptions(
  cfg: Pick<Config, 'LOG_LEVEL' | 'LOG_FORMAT'>,
  isTTY = Boolean(process.stdout.isTTY),
): LoggerOptions {
  if (logFormat(cfg.LOG_FORMAT, isTTY) === 'json') return { level: cfg.LOG_LEVEL };
  return {
    level: cfg.LOG_LEVEL,
    transport: {
      target: 'pino-pretty',
      // Colours only for a terminal: LOG_FORMAT=pretty into a file gets plain text.
      options: { colorize: isTTY, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' },
    },
  };
}

export const logger = pino({ ...loggerOptions(config()), base: undefined });
