/**
 * Which user and group a service runs as, checked before any spawn: a bad value is an error
 * when the service is added, not a crash loop. Only root can run services as someone else.
 */
import { resolveGroup, resolveUser } from '../process/users.ts';
import { TendError } from './errors.ts';

export interface Identity {
  readonly uid?: number;
  readonly gid?: number;
}

export function resolveIdentity(spec: {
  readonly name: string;
  readonly user: string | null;
  readonly group: string | null;
}): Identity {
  if (spec.user === null && spec.group === null) return {};
  const uid = process.getuid?.() ?? -1;
  if (uid !== 0) throw new TendError('TEND_USER_NEEDS_ROOT', { name: spec.name, uid });
  const id: { uid?: number; gid?: number } = {};
  if (spec.user !== null) {
    const u = resolveUser(spec.user);
    if (!u) throw new TendError('TEND_USER_UNKNOWN', { name: spec.name, kind: 'user', value: spec.user });
    id.uid = u.uid;
    id.gid = u.gid;
  }
  if (spec.group !== null) {
    const g = resolveGroup(spec.group);
    if (g === null)
      throw new TendError('TEND_USER_UNKNOWN', { name: spec.name, kind: 'group', value: spec.group });
    id.gid = g;
  }
  return id;
}
