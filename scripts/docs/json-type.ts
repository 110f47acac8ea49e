/** A JSON Schema as a short type a reader takes in at a glance, for the generated pages. */

type Json = Record<string, unknown>;

/** `string`, `"a" | "b"`, `number[]`, `{ name, state, … }`; objects one level deep. */
export function jsonType(s: Json | undefined, depth = 0): string {
  if (!s || Object.keys(s).length === 0) return 'any';
  if (s.const !== undefined) return JSON.stringify(s.const);
  if (Array.isArray(s.enum)) return s.enum.map((v) => JSON.stringify(v)).join(' | ');
  const union = (s.anyOf ?? s.oneOf) as Json[] | undefined;
  if (union) return [...new Set(union.map((u) => jsonType(u, depth)))].join(' | ');
  const type = s.type;
  if (Array.isArray(type)) return type.join(' | ');
  if (type === 'array') {
    const items = s.items as Json | Json[] | undefined;
    if (Array.isArray(items) || Array.isArray(s.prefixItems)) {
      const tuple = (Array.isArray(items) ? items : (s.prefixItems as Json[])).map((i) =>
        jsonType(i, depth + 1),
      );
      return `[${tuple.join(', ')}]`;
    }
    const inner = jsonType(items, depth);
    return inner.includes(' ') && !inner.startsWith('{') ? `(${inner})[]` : `${inner}[]`;
  }
  if (type === 'object') {
    const props = Object.keys((s.properties ?? {}) as Json);
    if (props.length === 0) {
      const values = s.additionalProperties as Json | undefined;
      return values && typeof values === 'object' ? `{ [key]: ${jsonType(values, depth + 1)} }` : 'object';
    }
    if (depth > 0) return 'object';
    const required = new Set((s.required as string[] | undefined) ?? []);
    return `{ ${props.map((p) => `${p}${required.has(p) ? '' : '?'}`).join(', ')} }`;
  }
  return String(type ?? 'any');
}
