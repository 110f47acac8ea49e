/**
 * dotenv files, read as Node's own `--env-file` reads them (util.parseEnv): KEY=VALUE lines,
 * `export ` prefixes, single, double and backtick quotes, multi-line double-quoted values,
 * `#` comments.
 */
import { parseEnv } from 'node:util';

export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(parseEnv(text))) if (value !== undefined) env[key] = value;
  return env;
}
