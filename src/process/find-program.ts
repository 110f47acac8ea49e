/** Finding a program on a PATH, for the spawns that do not go through Node's own search. */
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';

/**
 * Where a program is, searched on the given PATH (a service's own, as Node's spawn does); a
 * name with a slash is taken as it is. null when nothing is found.
 */
export function findProgram(file: string, searchPath: string | undefined): string | null {
  if (file.includes('/')) return file;
  const dirs = searchPath ?? '/usr/local/bin:/usr/bin:/bin';
  // a restart asks again for the same program: one stat confirms the last answer
  const key = `${dirs}\0${file}`;
  const known = foundPrograms.get(key);
  if (known && isExecutableFile(known)) return known;
  for (const dir of dirs.split(':')) {
    const candidate = path.join(dir || '.', file);
    if (!isExecutableFile(candidate)) continue;
    foundPrograms.set(key, candidate);
    return candidate;
  }
  foundPrograms.delete(key);
  return null;
}

const foundPrograms = new Map<string, string>();

function isExecutableFile(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}
