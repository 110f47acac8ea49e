/**
 * Variables in a service's `env` values, expanded for each instance when its process starts,
 * so `PORT = "300${TEND_INSTANCE}"` gives web:0 port 3000 and web:1 port 3001. The forms are
 * compose's: `${NAME}`, `${NAME:-default}` (the default when NAME is unset or empty) and `$$`
 * for a literal `$`; any other `$` is kept as written, so a password with a `$` in it stays
 * as it is unless it holds `${` or `$$`.
 */

const reference = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;
const name = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Expands one value; `lookup` gives a variable's value, or undefined when it is unset. */
export function expandValue(value: string, lookup: (name: string) => string | undefined): string {
  if (!value.includes('$')) return value;
  return value.replace(reference, (whole, variable: string | undefined, fallback: string | undefined) => {
    if (whole === '$$') return '$';
    const found = lookup(variable ?? '');
    return found === undefined || (found === '' && fallback !== undefined) ? (fallback ?? '') : found;
  });
}

/**
 * A service's env for one instance. A reference names, in this order: `TEND_SERVICE` and
 * `TEND_INSTANCE`; a key of the same env written before it (env_file's, then env's, in
 * order; already expanded); tend's own environment. Unset: the empty string.
 */
export function expandEnv(
  env: Readonly<Record<string, string>>,
  own: Readonly<Record<string, string>>,
  base: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    out[key] = expandValue(value, (n) => own[n] ?? (Object.hasOwn(out, n) ? out[n] : undefined) ?? base[n]);
  }
  return out;
}

/** Why a value's `${…}` cannot be expanded, or null: for config check to name the field. */
export function envValueProblem(value: string): string | null {
  for (let i = value.indexOf('$'); i !== -1; i = value.indexOf('$', i + 1)) {
    if (value[i + 1] === '$') {
      i++;
      continue;
    }
    if (value[i + 1] !== '{') continue;
    const end = value.indexOf('}', i);
    const inner = end === -1 ? null : value.slice(i + 2, end);
    const variable = inner?.split(':-')[0] ?? '';
    if (
      inner === null ||
      !name.test(variable) ||
      (inner !== variable && !inner.startsWith(`${variable}:-`))
    ) {
      return `${JSON.stringify(value.slice(i, end === -1 ? undefined : end + 1))} is not \${NAME} or \${NAME:-default} (write $$ for a literal $)`;
    }
    i = end;
  }
  return null;
}
