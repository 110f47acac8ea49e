/**
 * Turns schema issues into the sentences tend prints: where (file:line:col), which field
 * (services.web.restart), what was expected and what was found, and the closest valid key or
 * value for a typo. All issues of a file become one TEND_CONFIG_INVALID error.
 */
import type { z } from 'zod';
import { TendError } from '../core/errors.ts';
import { durationHelp } from '../core/units.ts';
import { closest } from './did-you-mean.ts';
import type { Locator } from './locate.ts';
import { allowedKeys } from './schema.ts';

export interface ConfigIssue {
  readonly file: string;
  readonly line: number | null;
  readonly column: number | null;
  readonly path: string;
  readonly message: string;
}

export function formatPath(path: readonly PropertyKey[]): string {
  return path
    .map((p, i) => {
      const s = String(p);
      if (typeof p === 'number') return `[${s}]`;
      const plain = /^[A-Za-z_][A-Za-z0-9_-]*$/.test(s);
      return plain ? (i === 0 ? s : `.${s}`) : `[${JSON.stringify(s)}]`;
    })
    .join('');
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'a table';
  return `${typeof value} ${JSON.stringify(value)}`;
}

/** One or more (path, message) pairs for one zod issue. */
export function describeIssue(issue: z.core.$ZodIssue): { path: PropertyKey[]; message: string }[] {
  const path = [...issue.path];
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => {
        const hint = closest(key, allowedKeys(path));
        return {
          path: [...path, key],
          message: `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`,
        };
      });
    case 'invalid_type':
      return [{ path, message: `expected ${issue.expected}, got ${shown(issue.input)}` }];
    case 'invalid_value': {
      const values = issue.values.map((v) => JSON.stringify(v));
      const hint = typeof issue.input === 'string' ? closest(issue.input, issue.values.map(String)) : null;
      const got = `got ${shown(issue.input)}`;
      return [
        {
          path,
          message: `expected ${values.join(' | ')}, ${got}${hint ? ` (did you mean "${hint}"?)` : ''}`,
        },
      ];
    }
    case 'too_small':
      return [
        {
          path,
          message: `expected ${issue.origin === 'array' ? 'at least' : 'a value >='} ${issue.minimum}${issue.origin === 'array' ? ' item(s)' : ''}, got ${shown(issue.input)}`,
        },
      ];
    case 'too_big':
      return [
        {
          path,
          message: `expected ${issue.origin === 'array' ? 'at most' : 'a value <='} ${issue.maximum}${issue.origin === 'array' ? ' item(s)' : ''}, got ${shown(issue.input)}`,
        },
      ];
    case 'invalid_union': {
      // a union of types (e.g. backoff: false | table): say what was accepted
      return [{ path, message: `expected ${unionExpectation(path)}, got ${shown(issue.input)}` }];
    }
    default:
      return [{ path, message: issue.message }];
  }
}

function unionExpectation(path: readonly PropertyKey[]): string {
  const last = String(path[path.length - 1] ?? '');
  if (last === 'backoff') return 'false or a table { factor, max }';
  if (last === 'env_file') return 'a file name or a list of them';
  if (/delay|timeout|window|max$/.test(last)) return durationHelp;
  return 'a value of another type';
}

export function toConfigIssues(
  file: string,
  locate: Locator | null,
  found: readonly { path: readonly PropertyKey[]; message: string }[],
): ConfigIssue[] {
  return found
    .map((f) => {
      const pos = locate?.(f.path) ?? null;
      return {
        file,
        line: pos?.line ?? null,
        column: pos?.column ?? null,
        path: formatPath(f.path),
        message: f.message,
      };
    })
    .sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

export function renderIssue(i: ConfigIssue): string {
  const where = i.line === null ? i.file : `${i.file}:${i.line}:${i.column ?? 1}`;
  return `${where}${i.path ? ` ${i.path}:` : ''} ${i.message}`;
}

export function configError(file: string, issues: readonly ConfigIssue[]): TendError {
  return new TendError('TEND_CONFIG_INVALID', {
    file,
    details: issues.map(renderIssue).join('\n'),
    issues,
  });
}
