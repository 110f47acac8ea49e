/**
 * The config parsers, loaded on first need: a daemon whose config is TOML never loads the YAML
 * library (13 MB of resident memory), nor any parser when it has no config. Every async entry
 * that parses calls loadParsers first; parsing itself stays synchronous.
 */
import type * as Toml from 'smol-toml';
import type * as Yaml from 'yaml';

type Format = 'toml' | 'yaml' | 'json';

let toml: typeof Toml | null = null;
let yaml: typeof Yaml | null = null;

export async function loadParsers(
  formats: readonly (Format | null)[] = ['toml', 'yaml', 'json'],
): Promise<void> {
  if (formats.includes('toml')) toml ??= await import('smol-toml');
  // JSON is located (and its duplicate keys found) through the YAML parser
  if (formats.includes('yaml') || formats.includes('json')) yaml ??= await import('yaml');
}

function loaded<T>(lib: T | null, name: string): T {
  if (!lib) throw new Error(`the ${name} parser is not loaded: call loadParsers() first`);
  return lib;
}

export function tomlLib(): typeof Toml {
  return loaded(toml, 'TOML');
}

export function yamlLib(): typeof Yaml {
  return loaded(yaml, 'YAML');
}
