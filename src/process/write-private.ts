/**
 * tend's own state files (run state, cron times, tokens, keys, contexts): readable by their
 * owner only, in a folder only the owner can enter, and replaced whole by a rename, so a
 * reader (or a tend killed mid-write) never sees half a file.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export function writePrivateFile(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: 0o600 });
  renameSync(tmp, file);
}
