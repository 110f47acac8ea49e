/**
 * Service, job and group names appear in file names, socket paths and shell output, so they
 * are held to a safe alphabet: no path separators, no `..`, no control characters.
 */
import { TendError } from './errors.ts';

const namePattern = /^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,99}$/;
/** An instance name is a base name, a colon, and the instance number: `web:0`. */
const instancePattern = /^([A-Za-z0-9_][A-Za-z0-9_.@-]{0,99}):(\d{1,5})$/;

export function nameProblem(name: string): string | null {
  if (name.length === 0) return 'a name cannot be empty';
  if (name.length > 100) return 'a name has at most 100 characters';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we reject
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'a name cannot contain control characters';
  if (name.includes('/') || name.includes('\\')) return 'a name cannot contain "/" or "\\"';
  if (name.includes('..')) return 'a name cannot contain ".."';
  if (!namePattern.test(name))
    return 'use letters, digits, "_", "-", "." and "@", starting with a letter, digit or "_"';
  return null;
}

/**
 * A name given to select services (`web`, `web:1`, `web-*`, `all`): it may hold `:` and glob
 * characters, but never what could reach outside tend's folders.
 */
export function selectorProblem(selector: string): string | null {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we reject
  if (/[\u0000-\u001f\u007f]/.test(selector)) return 'a name cannot contain control characters';
  if (selector.includes('/') || selector.includes('\\')) return 'a name cannot contain "/" or "\\"';
  if (selector.includes('..')) return 'a name cannot contain ".."';
  return null;
}

export function assertValidName(name: string): string {
  const why = nameProblem(name);
  if (why) throw new TendError('TEND_NAME_INVALID', { name, why });
  return name;
}

export function instanceName(base: string, index: number, count: number): string {
  return count === 1 ? base : `${base}:${index}`;
}

export function instanceNames(spec: { readonly name: string; readonly instances: number }): string[] {
  return Array.from({ length: spec.instances }, (_, i) => instanceName(spec.name, i, spec.instances));
}

export function splitInstanceName(name: string): { base: string; index: number | null } {
  const m = instancePattern.exec(name);
  return m ? { base: m[1]!, index: Number(m[2]) } : { base: name, index: null };
}
