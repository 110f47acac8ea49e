/**
 * Services added or changed at run time, saved in the state dir so they come back when tend
 * starts again (PM2's save/resurrect, but automatic). Written atomically (write, fsync,
 * rename); a corrupt file is moved aside and reported, never silently dropped.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import path from 'node:path';
import { TendError } from '../core/errors.ts';
import { checkStateFormat, formatFields } from './state-format.ts';
import { type StateReport, StateSaver } from './state-saver.ts';

export type Definition = Readonly<Record<string, unknown>>;

interface StoreFile {
  readonly version: 1;
  readonly tend?: string;
  readonly services: Record<string, Definition>;
}

export class ServiceStore {
  readonly file: string;
  #services: Record<string, Definition> = {};
  readonly #saver: StateSaver;

  /** `report`: a save that failed (kept in memory, retried) and the one that succeeds after. */
  constructor(stateDir: string, report?: StateReport) {
    this.file = path.join(stateDir, 'services.json');
    this.#saver = new StateSaver(this.file, () => this.#write(), report);
  }

  /** Reads the file; a corrupt one is moved aside and the error returned for reporting. */
  load(): { services: Record<string, Definition>; problem: TendError | null } {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return { services: {}, problem: null };
    }
    try {
      const parsed: unknown = JSON.parse(text);
      // a newer tend's file is refused as it is, not moved aside as corrupt
      if (
        typeof parsed === 'object' &&
        parsed !== null &&
        typeof (parsed as { version?: unknown }).version === 'number'
      ) {
        checkStateFormat(this.file, parsed);
      }
      if (!isStoreFile(parsed)) throw new Error('not a tend state file (version 1)');
      this.#services = { ...parsed.services };
      return { services: { ...this.#services }, problem: null };
    } catch (e) {
      if (e instanceof TendError && e.code === 'TEND_STATE_VERSION') throw e;
      const movedTo = `${this.file}.corrupt-${Date.now()}`;
      renameSync(this.file, movedTo);
      const why = e instanceof Error ? e.message : String(e);
      return {
        services: {},
        problem: new TendError('TEND_STATE_CORRUPT', { file: this.file, why, movedTo }),
      };
    }
  }

  get(name: string): Definition | undefined {
    return this.has(name) ? this.#services[name] : undefined;
  }

  has(name: string): boolean {
    return Object.hasOwn(this.#services, name);
  }

  set(name: string, definition: Definition): void {
    this.setAll({ [name]: definition });
  }

  /** Several definitions in one write (an `add -f` of a hundred services is one fsync). */
  setAll(definitions: Record<string, Definition>): void {
    Object.assign(this.#services, definitions);
    this.#saver.save();
  }

  delete(name: string): void {
    this.deleteAll([name]);
  }

  /** Several names in one write. */
  deleteAll(names: readonly string[]): void {
    const present = names.filter((n) => this.has(n));
    if (present.length === 0) return;
    for (const n of present) delete this.#services[n];
    this.#saver.save();
  }

  #write(): void {
    mkdirSync(path.dirname(this.file), { recursive: true, mode: 0o700 });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const data: StoreFile = { ...formatFields(), services: this.#services };
    const fd = openSync(tmp, 'w', 0o600);
    try {
      writeSync(fd, `${JSON.stringify(data, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.file);
  }
}

function isStoreFile(v: unknown): v is StoreFile {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    o.version === 1 && typeof o.services === 'object' && o.services !== null && !Array.isArray(o.services)
  );
}
