// Structured JSON logs (pino). Personal data never reaches them: URLs are masked (ID numbers in
// query strings), credentials are redacted, and our own log calls carry codes, not citizens.
import { pino, type Logger } from 'pino';
import { maskPersonalData } from '../core/mask.js';

export interface LoggerOptions {
  level?: string;
  /** append to this file instead of stdout */
  file?: string;
  base?: Record<string, unknown>;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const destination = opts.file ? pino.destination({ dest: opts.file, mkdir: true, sync: false }) : pino.destination(1);
  return pino(
    {
      level: opts.level ?? 'info',
      base: { pid: process.pid, ...opts.base },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', 'headers.authorization', '*.privateKeyPem', '*.token'],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: { id?: string; method?: string; url?: string; ip?: string }) => ({
          id: req.id,
          method: req.method,
          url: req.url ? maskPersonalData(req.url) : req.url,
          ip: req.ip,
        }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
        err: pino.stdSerializers.err,
      },
    },
    destination,
  );
}

export type { Logger };
