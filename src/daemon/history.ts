/**
 * The history of everything that happened, in `history.db` in the state dir (node:sqlite):
 * every state change with its reason, every exit with its code or signal and run time, every
 * control action with who asked and from where. Rows are written in one transaction per turn
 * of the event loop, so the kernel never waits for the disk, and the WAL keeps what was
 * committed through a `kill -9`. Old rows go by age and by count.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { TendError } from '../core/errors.ts';
import type { SupervisorEvent } from '../core/events.ts';
import { parseDuration } from '../core/units.ts';
import type { AuditFn } from './dispatcher.ts';

export interface HistoryEntry {
  readonly id: number;
  readonly at: number;
  readonly service: string | null;
  /** state, exit, action, added, removed, log-error, job, illegal */
  readonly kind: string;
  /** One line for people: `running → backoff: exited with code 1`. */
  readonly what: string;
  readonly detail: Record<string, unknown>;
  readonly who: string | null;
  readonly origin: string | null;
}

export interface HistoryQuery {
  readonly names?: readonly string[] | undefined;
  readonly kinds?: readonly string[] | undefined;
  readonly since?: number | undefined;
  readonly until?: number | undefined;
  /** Entries after this id, oldest first (the next page of a read forwards). */
  readonly after?: number | undefined;
  /** Entries before this id; without `after` or `since`, the newest entries are given. */
  readonly before?: number | undefined;
  readonly limit?: number | undefined;
}

export interface HistoryRetention {
  readonly maxAgeMs: number;
  readonly maxEntries: number;
}

export const defaultRetention: HistoryRetention = { maxAgeMs: 30 * 86_400_000, maxEntries: 200_000 };

type Row = Omit<HistoryEntry, 'id'>;

/** How many rows are written between two prunings. */
const pruneEvery = 1000;

export class History {
  readonly #db: DatabaseSync;
  readonly #insert: StatementSync;
  readonly #retention: HistoryRetention;
  #queue: Row[] = [];
  #scheduled = false;
  #sincePrune = 0;
  #closed = false;

  constructor(stateDir: string, retention: HistoryRetention = defaultRetention) {
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    this.#retention = retention;
    // loaded when a history opens: an older Node, which has no node:sqlite, must still get as
    // far as saying which Node tend needs
    const { DatabaseSync: Database } = process.getBuiltinModule('node:sqlite');
    this.#db = new Database(path.join(stateDir, 'history.db'));
    this.#db.exec(`
      PRAGMA journal_mode = WAL;
      PRAGMA synchronous = NORMAL;
      CREATE TABLE IF NOT EXISTS entries (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        at INTEGER NOT NULL,
        service TEXT,
        kind TEXT NOT NULL,
        what TEXT NOT NULL,
        detail TEXT NOT NULL,
        who TEXT,
        origin TEXT
      );
      CREATE INDEX IF NOT EXISTS entries_service ON entries (service, id);
      CREATE INDEX IF NOT EXISTS entries_at ON entries (at);
    `);
    this.#insert = this.#db.prepare(
      'INSERT INTO entries (at, service, kind, what, detail, who, origin) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#prune();
  }

  /** A kernel event as a row, when it is one worth keeping. */
  event(e: SupervisorEvent): void {
    switch (e.type) {
      case 'state':
        if (e.from === e.to) return;
        this.#add({
          at: e.at,
          service: e.service,
          kind: 'state',
          what: `${e.from} → ${e.to}: ${e.reason}`,
          detail: { from: e.from, to: e.to, reason: e.reason, pid: e.pid },
        });
        return;
      case 'exit': {
        const how = e.signal ? `killed by ${e.signal}` : `exited with code ${e.code}`;
        this.#add({
          at: e.at,
          service: e.service,
          kind: 'exit',
          what: `pid ${e.pid} ${how} after ${formatMs(e.uptimeMs)}`,
          detail: { pid: e.pid, code: e.code, signal: e.signal, run_ms: e.uptimeMs, down_ms: e.downtimeMs },
        });
        return;
      }
      case 'added':
      case 'removed':
        this.#add({ at: e.at, service: e.service, kind: e.type, what: e.type, detail: {} });
        return;
      case 'log-error':
        this.#add({
          at: e.at,
          service: e.service,
          kind: 'log-error',
          what: e.resumed ? `${e.file} is written again` : `${e.file}: ${e.error}`,
          detail: { file: e.file, error: e.error, resumed: e.resumed ?? false, dropped: e.dropped ?? null },
        });
        return;
      case 'job':
        if (!e.changed) return;
        this.#add({
          at: e.at,
          service: e.service,
          kind: 'job',
          what: `${e.phase}${e.reason ? `: ${e.reason}` : ''}`,
          detail: { phase: e.phase, reason: e.reason, succeeded: e.succeeded, failed: e.failed },
        });
        return;
      case 'illegal':
        this.#add({
          at: e.at,
          service: e.service,
          kind: 'illegal',
          what: `${e.event} in ${e.state}`,
          detail: { state: e.state, event: e.event },
        });
        return;
      case 'health':
        return;
    }
  }

  /** A call past the read scope, as the dispatcher reports it. */
  readonly action: AuditFn = ({ method, params, access, error }) => {
    const p = (params ?? {}) as { names?: unknown; name?: unknown };
    const names = Array.isArray(p.names) ? p.names.map(String) : typeof p.name === 'string' ? [p.name] : [];
    const what = `${method}${names.length ? ` ${names.join(' ')}` : ''}${error ? ` refused: ${error}` : ''}`;
    const detail = { method, params: params ?? null, ok: error === null, ...(error ? { error } : {}) };
    const row = {
      at: Date.now(),
      kind: 'action',
      what,
      detail,
      who: access?.who ?? 'tend',
      origin: access?.from ?? 'tend',
    };
    if (names.length === 0) this.#add({ ...row, service: null });
    for (const name of names) this.#add({ ...row, service: name });
  };

  query(q: HistoryQuery): { entries: HistoryEntry[]; more: boolean } {
    this.flush();
    const where: string[] = [];
    const args: (string | number)[] = [];
    if (q.names?.length) {
      // a base name matches its instances (web matches web:0 and web:1)
      where.push(
        `(${q.names.map(() => "(service = ? OR substr(service, 1, length(?) + 1) = ? || ':')").join(' OR ')})`,
      );
      for (const n of q.names) args.push(n, n, n);
    }
    if (q.kinds?.length) {
      where.push(`kind IN (${q.kinds.map(() => '?').join(', ')})`);
      args.push(...q.kinds);
    }
    const bounds = [
      ['at >= ?', q.since],
      ['at <= ?', q.until],
      ['id > ?', q.after],
      ['id < ?', q.before],
    ] as const;
    for (const [clause, value] of bounds) {
      if (value === undefined) continue;
      where.push(clause);
      args.push(value);
    }
    const limit = q.limit ?? 100;
    const newest = q.after === undefined && q.since === undefined;
    const sql = `SELECT * FROM entries${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id ${newest ? 'DESC' : 'ASC'} LIMIT ?`;
    const rows = this.#db.prepare(sql).all(...args, limit + 1) as unknown as (Omit<HistoryEntry, 'detail'> & {
      detail: string;
    })[];
    const more = rows.length > limit;
    const page = rows
      .slice(0, limit)
      .map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
    if (newest) page.reverse();
    return { entries: page, more };
  }

  /** Writes what is queued now, in one transaction. */
  flush(): void {
    this.#scheduled = false;
    if (this.#closed || this.#queue.length === 0) return;
    const rows = this.#queue;
    this.#queue = [];
    this.#db.exec('BEGIN');
    try {
      for (const r of rows) {
        this.#insert.run(r.at, r.service, r.kind, r.what, JSON.stringify(r.detail), r.who, r.origin);
      }
      this.#db.exec('COMMIT');
    } catch (e) {
      this.#db.exec('ROLLBACK');
      throw e;
    }
    this.#sincePrune += rows.length;
    if (this.#sincePrune >= pruneEvery) this.#prune();
  }

  close(): void {
    if (this.#closed) return;
    this.flush();
    this.#closed = true;
    this.#db.close();
  }

  #add(row: Omit<Row, 'who' | 'origin'> & Partial<Pick<Row, 'who' | 'origin'>>): void {
    if (this.#closed) return;
    this.#queue.push({ who: null, origin: null, ...row });
    if (this.#scheduled) return;
    this.#scheduled = true;
    setImmediate(() => {
      try {
        this.flush();
      } catch {
        // a full disk loses history rows, never a service: the next turn tries again
      }
    });
  }

  #prune(): void {
    this.#sincePrune = 0;
    this.#db.prepare('DELETE FROM entries WHERE at < ?').run(Date.now() - this.#retention.maxAgeMs);
    this.#db
      .prepare('DELETE FROM entries WHERE id <= (SELECT MAX(id) FROM entries) - ?')
      .run(this.#retention.maxEntries);
  }
}

/** A point in time as given: ms since the epoch, or a duration ago ("1d", "90m"). */
export function pointInTime(
  value: number | string | undefined,
  field: string,
  now = Date.now(),
): number | undefined {
  if (value === undefined || typeof value === 'number') return value;
  const ago = parseDuration(value);
  if (ago === null || /^\d+(\.\d+)?$/.test(value.trim())) {
    throw new TendError('TEND_USAGE', {
      message: `${field}: ${JSON.stringify(value)} is not a duration ago such as "1d", "2h" or "90m"`,
    });
  }
  return now - ago;
}

function formatMs(ms: number): string {
  return ms < 1000
    ? `${ms} ms`
    : ms < 120_000
      ? `${(ms / 1000).toFixed(1)} s`
      : `${Math.round(ms / 60_000)} min`;
}
