/**
 * Procfiles (foreman, Heroku, overmind): `name: command` lines, run from the Procfile's folder
 * through a shell, each with PORT = base + 100 × its position as foreman assigns it (base:
 * PORT from `.env` beside the Procfile, else 5000). A `release` entry runs first, as on Heroku.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseEnvFile } from '../../config/env-file.ts';
import type { ServiceInput } from '../../config/schema.ts';
import { emptyImport, type Importer, ImportLog, relativePath, serviceWhere, tendName } from './importer.ts';

const keys = [
  ['NAME: COMMAND', "services.NAME.command, run from the Procfile's folder"],
  ['.env beside the Procfile', 'env_file'],
  ['PORT (foreman: base + 100 × position)', 'env.PORT'],
  ['release: COMMAND', 'a oneshot service that the others require to complete'],
] as const;

// foreman's own pattern: a name, a colon, the command
const entry = /^([A-Za-z0-9_-]+):\s*(.+)$/;

export const procfile: Importer = {
  format: 'procfile',
  title: 'Procfile',
  keys,
  async read(files, options) {
    const result = emptyImport();
    for (const file of files) {
      const log = new ImportLog(result, file);
      const dir = path.dirname(file);
      const dotenv = path.join(dir, '.env');
      const envFromFile = existsSync(dotenv) ? parseEnvFile(readFileSync(dotenv, 'utf8')) : {};
      const base = Number(envFromFile.PORT ?? 5000) || 5000;
      const lines = readFileSync(file, 'utf8').replace(/\r\n/g, '\n').split('\n');
      let position = 0;
      const names: string[] = [];
      lines.forEach((line, i) => {
        if (line.trim() === '' || line.trimStart().startsWith('#')) return;
        const m = entry.exec(line);
        if (!m) {
          log.unsupported(
            null,
            `line ${i + 1}`,
            `${JSON.stringify(line)} is not "name: command"; foreman skips it`,
          );
          return;
        }
        const name = tendName(m[1] ?? '');
        const s: ServiceInput = {
          command: (m[2] ?? '').trim(),
          cwd: relativePath(file, '.', options.outDir),
          env: { PORT: String(base + position * 100) },
        };
        position++;
        if (existsSync(dotenv)) s.env_file = relativePath(file, '.env', options.outDir);
        if (name === 'release') {
          s.oneshot = true;
          log.approx(
            serviceWhere(name),
            `line ${i + 1} release`,
            'Heroku runs release before a deploy; here it runs first and the others wait for it to succeed',
          );
        } else log.ok();
        result.config.services[name] = s;
        names.push(name);
      });
      if (names.includes('release')) {
        for (const n of names) {
          const s = result.config.services[n];
          if (n !== 'release' && s) s.requires = { release: 'completed_successfully' };
        }
      }
    }
    return result;
  },
};
