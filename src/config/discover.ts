/** Finds the config: the nearest tend.toml/.yaml/.yml/.json/.config.ts/.js/.mjs upwards. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { TendError } from '../core/errors.ts';

export const configNames = [
  'tend.toml',
  'tend.yaml',
  'tend.yml',
  'tend.json',
  'tend.config.ts',
  'tend.config.js',
  'tend.config.mjs',
] as const;

export function findConfig(startDir: string): string {
  const searched: string[] = [];
  for (let dir = path.resolve(startDir); ; dir = path.dirname(dir)) {
    searched.push(dir);
    for (const name of configNames) {
      const candidate = path.join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    if (path.dirname(dir) === dir) break;
  }
  throw new TendError('TEND_CONFIG_NOT_FOUND', {
    detail: `none of ${configNames.join(', ')} in ${searched[0]} or any folder above it`,
  });
}
