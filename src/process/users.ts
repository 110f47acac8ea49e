/**
 * Resolves `user` and `group` names to ids from /etc/passwd and /etc/group, which is what
 * Node's spawn needs to drop privileges. Numeric ids are taken as they are.
 */
import { readFileSync } from 'node:fs';

function lookup(file: string, name: string, idField: number): { id: number; gid?: number } | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  for (const line of text.split('\n')) {
    const f = line.split(':');
    if (f[0] === name) return { id: Number(f[idField]), gid: Number(f[3]) };
  }
  return null;
}

export function resolveUser(user: string): { uid: number; gid: number } | null {
  if (/^\d+$/.test(user)) {
    return { uid: Number(user), gid: Number(user) };
  }
  const hit = lookup('/etc/passwd', user, 2);
  return hit ? { uid: hit.id, gid: hit.gid ?? hit.id } : null;
}

export function resolveGroup(group: string): number | null {
  if (/^\d+$/.test(group)) return Number(group);
  return lookup('/etc/group', group, 2)?.id ?? null;
}
