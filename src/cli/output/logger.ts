/**
 * tend's own log in daemon mode: one JSON object per line (level, msg, fields) on stderr, or a
 * short text line when stderr is a terminal. Service output never goes here.
 */

export type Level = 'info' | 'warn' | 'error';

export interface Logger {
  log(level: Level, msg: string, fields?: Record<string, unknown>): void;
}

export function makeLogger(stream: NodeJS.WriteStream = process.stderr): Logger {
  const text = Boolean(stream.isTTY);
  return {
    log(level, msg, fields = {}) {
      if (text) {
        const extra = Object.entries(fields)
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(' ');
        stream.write(`${new Date().toISOString()} ${level} ${msg}${extra ? ` ${extra}` : ''}\n`);
      } else {
        stream.write(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
      }
    },
  };
}
