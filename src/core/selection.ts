/**
 * Which services a name given by a user means: `all`, an exact instance name (`web:1`), a base
 * name (`web`, every instance), or a glob (`api-*`, `web:?`). Shared by every verb.
 */

export interface Selectable {
  readonly name: string;
  readonly spec: { readonly name: string };
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replaceAll('*', '.*')
    .replaceAll('?', '.');
  return new RegExp(`^${body}$`);
}

export function isGlob(pattern: string): boolean {
  return /[*?]/.test(pattern);
}

/** Matches one pattern; an empty result means the pattern names nothing. */
export function matchPattern<T extends Selectable>(items: readonly T[], pattern: string): T[] {
  if (pattern === 'all') return [...items];
  if (isGlob(pattern)) {
    const re = globToRegExp(pattern);
    return items.filter((i) => re.test(i.name) || re.test(i.spec.name));
  }
  const exact = items.filter((i) => i.name === pattern);
  return exact.length ? exact : items.filter((i) => i.spec.name === pattern);
}
