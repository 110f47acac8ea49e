/**
 * Named handles across tend's own restarts. Handles declared at run time (`tend fd add`) are
 * saved in the state dir and opened again when tend starts. At a hot restart every handle
 * is passed across the execve as a plain fd (close-on-exec cleared) and recorded in
 * `state/passed-fds.json` with its device and inode, so the new image takes the very same
 * pipe or socket, with its content or backlog, and checks each fd before trusting it.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { TendError } from '../core/errors.ts';
import type { HandleDecl, HandleOrigin, HandleTable, PassedHandle } from '../core/handles.ts';
import { writePrivateFile } from '../process/write-private.ts';

/** What the old image hands the new one besides the fds themselves. */
export interface PassedState {
  readonly handles: readonly PassedHandle[];
  readonly decls: readonly (readonly [string, HandleDecl])[];
  /** Run-time settings that would otherwise be lost with the old image. */
  readonly exitGuard: number | null;
  readonly execOnExit: readonly string[] | null;
  readonly signals: Readonly<Record<string, number>>;
}

export class HandleState {
  readonly #declaredFile: string;
  readonly #passedFile: string;

  constructor(stateDir: string) {
    this.#declaredFile = path.join(stateDir, 'handles.json');
    this.#passedFile = path.join(stateDir, 'passed-fds.json');
  }

  /** The declarations made at run time, saved by the last tend. */
  loadDeclared(): Record<string, HandleDecl> {
    try {
      const data = JSON.parse(readFileSync(this.#declaredFile, 'utf8')) as {
        version?: number;
        handles?: Record<string, HandleDecl>;
      };
      return data.version === 1 ? { ...data.handles } : {};
    } catch {
      return {};
    }
  }

  saveDeclared(table: HandleTable): void {
    const handles: Record<string, HandleDecl> = {};
    for (const [name, decl] of table.declarations()) {
      if (table.list().some((h) => h.declared === name && h.origin === 'runtime')) handles[name] = decl;
    }
    writePrivateFile(this.#declaredFile, JSON.stringify({ version: 1, handles }));
  }

  /** Written in the turn of the event loop that execs, after the fds were made inheritable. */
  writePassed(state: PassedState): void {
    writePrivateFile(this.#passedFile, JSON.stringify({ version: 1, ...state }));
  }

  /** What the previous image passed; read once and removed (a later crash must not trust it). */
  takePassed(): PassedState | null {
    let text: string;
    try {
      text = readFileSync(this.#passedFile, 'utf8');
    } catch {
      return null;
    }
    rmSync(this.#passedFile, { force: true });
    try {
      const data = JSON.parse(text) as PassedState & { version?: number };
      return data.version === 1 ? data : null;
    } catch {
      return null;
    }
  }
}

/**
 * Opens declarations not yet in the table; the first that cannot be opened closes what this
 * call opened and is thrown, so a refused start or reload leaves no handle behind.
 */
export async function openAll(
  table: HandleTable,
  decls: ReadonlyMap<string, HandleDecl>,
  origin: HandleOrigin,
  fail: (name: string, error: TendError) => Error,
): Promise<string[]> {
  const opened: string[] = [];
  for (const [name, decl] of decls) {
    if (table.declaration(name) || table.namesOf(name).length) continue;
    try {
      await table.declare(name, decl, origin);
      opened.push(name);
    } catch (e) {
      for (const n of opened) table.remove(n);
      throw e instanceof TendError ? fail(name, e) : e;
    }
  }
  return opened;
}
