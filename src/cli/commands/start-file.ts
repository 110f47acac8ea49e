/**
 * `tend start api.js`, as `pm2 start app.js` does: a name that is no service but a script on
 * disk is added as a service named after the file (`api`), run in the caller's folder with
 * the interpreter its extension asks for, then started. The same file a second time starts
 * the service it became.
 */
import { accessSync, constants, existsSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Client } from '../../client/client.ts';
import { TendError } from '../../core/errors.ts';
import { isGlob } from '../../core/selection.ts';
import type { ServiceView } from '../../protocol/methods.ts';
import type { Cli } from '../context.ts';

/** Interpreters by extension; JavaScript and TypeScript run on the Node that runs tend (as PM2's do). */
const interpreters: Readonly<Record<string, string>> = {
  '.js': process.execPath,
  '.mjs': process.execPath,
  '.cjs': process.execPath,
  '.ts': process.execPath,
  '.mts': process.execPath,
  '.cts': process.execPath,
  '.sh': 'sh',
  '.bash': 'bash',
  '.py': 'python3',
  '.rb': 'ruby',
};

export interface ScriptsAsServices {
  /** The names left to start as services (a script that is a service already is named by it). */
  readonly names: string[];
  /** What adding the scripts led to. */
  readonly added: ServiceView[];
}

/** Adds and starts each script among `names` that is no service; the rest are returned to start. */
export async function scriptsAsServices(
  cli: Cli,
  client: Client,
  names: readonly string[],
  wait: { wait?: number | undefined; settle?: number | undefined },
): Promise<ScriptsAsServices> {
  const files = names.filter((n) => !isGlob(n) && existsSync(n) && statSync(n).isFile());
  // `tend start api.js` in the wrong folder: a script's name that is neither a file nor a service
  const missing = names.filter((n) => !files.includes(n) && !isGlob(n) && looksLikeScript(n));
  if (files.length === 0 && missing.length === 0) return { names: [...names], added: [] };
  const services = await client.service.list();
  const known = new Set(services.flatMap((s) => [s.name, s.base]));
  const lost = missing.find((n) => !known.has(n));
  if (lost !== undefined)
    throw new TendError('TEND_SERVICE_NOT_FOUND', {
      name: lost,
      file: path.resolve(lost),
      as: serviceNameOf(lost),
    });
  const rest: string[] = [];
  const added: ServiceView[] = [];
  for (const n of names) {
    if (!files.includes(n) || known.has(n)) {
      rest.push(n);
      continue;
    }
    const file = path.resolve(n);
    const name = serviceNameOf(file);
    const args = argvOf(file);
    const same = services.find((s) => s.base === name);
    if (same) {
      // the script was added before: starting it again is starting that service
      if (same.command === args.join(' ')) {
        rest.push(name);
        continue;
      }
      throw new TendError('TEND_SERVICE_EXISTS', {
        name,
        detail: `it runs ${JSON.stringify(same.command)}, not ${n}; "tend start ${name}" starts it, "tend add OTHER -- ${args.join(' ')}" adds ${n} under another name`,
      });
    }
    if (!cli.json) cli.print(`${n} is no service: adding it as "${name}" (${args.join(' ')})`);
    const timeoutMs = (wait.wait ?? 0) + (wait.settle ?? 0) + 10_000;
    added.push(
      ...(await client.service.add(
        { services: { [name]: { args, cwd: process.cwd() } }, start: true, ...wait },
        { timeoutMs },
      )),
    );
  }
  return { names: rest, added };
}

/** A name with a path in it, or the extension of a script tend knows how to run. */
function looksLikeScript(n: string): boolean {
  return n.includes('/') || Object.hasOwn(interpreters, path.extname(n).toLowerCase());
}

/** `api.js` → `api`; characters a name may not hold become `-`. */
function serviceNameOf(file: string): string {
  const base = path.basename(file, path.extname(file)) || path.basename(file);
  const safe = base
    .replace(/[^A-Za-z0-9_.@-]/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[.@-]+/, '')
    .slice(0, 100);
  return safe || 'script';
}

function argvOf(file: string): string[] {
  const interpreter = interpreters[path.extname(file).toLowerCase()];
  if (interpreter) return [interpreter, file];
  try {
    accessSync(file, constants.X_OK);
    return [file];
  } catch {
    throw new TendError('TEND_USAGE', {
      message: `${file} is not executable and its extension names no interpreter tend knows: make it executable (chmod +x), or "tend add NAME -- INTERPRETER ${file}"`,
    });
  }
}
