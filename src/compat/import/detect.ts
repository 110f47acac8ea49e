/**
 * Which supervisor wrote a file: by its name first (ecosystem.config.js, Procfile,
 * process-compose.yaml, supervisord.conf), then by what it holds. A file nothing matches is
 * refused with its name and what tend reads.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { configError } from '../../config/issues.ts';
import { type ImportFormat, importFormats } from './importer.ts';

export function detectFormat(file: string): ImportFormat {
  const base = path.basename(file);
  if (/\.(c|m)?js$/i.test(base)) return 'pm2';
  if (/^Procfile(\..+)?$/.test(base)) return 'procfile';
  if (/^(process-compose|compose)(\.override)?\.ya?ml$/i.test(base)) return 'process-compose';
  if (/^supervisord\.conf$/i.test(base)) return 'supervisord';
  let text = '';
  try {
    if (statSync(file).isFile()) text = readFileSync(file, 'utf8');
  } catch (e) {
    throw configError(file, [
      { file, line: null, column: null, path: '', message: `cannot be read (${(e as Error).message})` },
    ]);
  }
  if (
    /\.(conf|ini)$/i.test(base) &&
    /^\s*\[(program|supervisord|group|include|eventlistener)[:\]]/m.test(text)
  )
    return 'supervisord';
  if (/\.toml$/i.test(base)) {
    if (
      /^\s*\[\[processes\]\]/m.test(text) ||
      /^\s*type\s*=\s*"(process|job|cronjob|cron)"/m.test(text) ||
      /^\s*programs_directory\s*=/m.test(text) ||
      /^\s*\[server\]/m.test(text)
    )
      return 'provisr';
    if (/^\s*\[service\]/m.test(text) && /^\s*exec\s*=/m.test(text)) return 'zinit';
  }
  if (/\.(ya?ml|json)$/i.test(base)) {
    if (/^\s*"?apps"?\s*[:=]/m.test(text) || /^\s*\{?\s*apps\s*:/m.test(text)) return 'pm2';
    if (/^processes:\s*$/m.test(text) && /^\s+-\s+type:/m.test(text)) return 'provisr';
    if (/^\s*"?type"?\s*:\s*"?(process|job|cronjob)"?\s*,?\s*$/m.test(text) && /^\s*"?spec"?\s*:/m.test(text))
      return 'provisr';
    if (/^processes:\s*$/m.test(text)) return 'process-compose';
    if (/^exec:/m.test(text)) return 'zinit';
  }
  throw configError(file, [
    {
      file,
      line: null,
      column: null,
      path: '',
      message: `not a file tend imports: give one of ${importFormats.join(', ')} with --from if it is one (a PM2 ecosystem file, a Procfile, process-compose.yaml, supervisord.conf, provisr's config.toml or a zinit service file)`,
    },
  ]);
}
