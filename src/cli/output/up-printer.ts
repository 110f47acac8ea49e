/**
 * How `tend up` shows a running stack: each output line prefixed with its service's name,
 * padded and coloured (stderr marked with `!`), and tend's own lines about spawns, exits,
 * restarts and failures marked as tend's.
 */
import type { SupervisorEvent } from '../../core/events.ts';
import { formatMs } from '../../core/lifecycle.ts';
import { instanceNames } from '../../core/names.ts';
import type { ServiceSpec } from '../../core/service-spec.ts';
import type { Supervisor } from '../../core/supervisor.ts';
import type { LogLine } from '../../logs/log-line.ts';
import { type Color, type Paint, serviceColors } from './color.ts';

export class UpPrinter {
  readonly #write: (text: string) => void;
  readonly #paint: Paint;
  readonly #colors = new Map<string, Color>();
  /** Instances being stopped, since when, and how their process ended: a planned stop is told as one. */
  readonly #stopping = new Map<string, { since: number; end: string | null }>();
  #width: number;

  constructor(write: (text: string) => void, paint: Paint, names: readonly string[] = []) {
    this.#write = write;
    this.#paint = paint;
    this.#width = 4;
    this.#know(names);
  }

  /**
   * Shows a supervisor's output and events. Every instance name is known before anything
   * starts, so prefixes line up and colours are fixed from the first line.
   */
  attach(sup: Pick<Supervisor, 'logs' | 'events'>, services: readonly ServiceSpec[]): void {
    this.#know(services.flatMap((s) => instanceNames(s)));
    sup.logs.add((l) => this.line(l));
    sup.events.add((e) => this.event(e));
  }

  #know(names: readonly string[]): void {
    this.#width = Math.max(this.#width, ...names.map((n) => n.length));
    for (const n of names) this.#colorOf(n);
  }

  #colorOf(service: string): Color {
    const base = service.split(':')[0] ?? service;
    let c = this.#colors.get(base);
    if (!c) {
      c = serviceColors[this.#colors.size % serviceColors.length] ?? 'cyan';
      this.#colors.set(base, c);
    }
    return c;
  }

  #prefix(name: string, color: Color, mark: string): string {
    if (name.length > this.#width) this.#width = name.length;
    return `${this.#paint(color, name.padEnd(this.#width))} ${mark} `;
  }

  line(l: Pick<LogLine, 'service' | 'stream' | 'text'>): void {
    const mark = l.stream === 'stderr' ? this.#paint('red', '!') : '|';
    this.#write(`${this.#prefix(l.service, this.#colorOf(l.service), mark)}${l.text}\n`);
  }

  /** tend's own words; null for events a person need not see. */
  describe(e: SupervisorEvent): string | null {
    switch (e.type) {
      case 'spawn':
        return `${e.service} started (pid ${e.pid})`;
      case 'exit': {
        const end = e.signal ? `${e.signal}` : `exit code ${e.code}`;
        const stop = this.#stopping.get(e.service);
        // the end of a stop is told once the stop is complete, as a stop
        if (stop) {
          stop.end = end;
          return null;
        }
        return e.signal
          ? `${e.service} was killed by ${e.signal}`
          : `${e.service} exited with code ${e.code}`;
      }
      case 'state':
        if (e.to === 'stopping' && e.from !== 'stopping')
          this.#stopping.set(e.service, { since: e.at, end: null });
        if (e.to !== 'stopping') {
          const stop = this.#stopping.get(e.service);
          this.#stopping.delete(e.service);
          if (stop && e.to === 'inactive') return `${e.service} ${stoppedWords(e.reason, stop, e.at)}`;
        }
        if (e.to === 'backoff' || e.to === 'failed' || e.to === 'blocked') {
          // the exit was told by its own event: an exit's reason is told from what follows it
          const afterExit = /^(exited with code|killed by|stopped)\b/.test(e.reason);
          const tail = (afterExit && e.reason.split('; ').slice(1).join('; ')) || e.reason;
          return e.to === 'failed' ? `${e.service} failed: ${tail}` : `${e.service} ${tail}`;
        }
        // a service with no readiness check is simply running: its start line said so
        if (e.to === 'running' && e.from === 'starting' && e.reason !== 'running') {
          return `${e.service} is ${e.reason}`;
        }
        if (e.to === 'stopping' && e.from !== 'stopping') return `${e.service} stopping (${e.reason})`;
        if (e.to === 'stopping' && e.reason.startsWith('stop_timeout')) return `${e.service}: ${e.reason}`;
        return null;
      case 'health':
        return e.ok
          ? `${e.service} is healthy again (${e.detail})`
          : `${e.service} health check failed: ${e.detail}`;
      case 'job':
        if (!e.changed) return null;
        return `job ${e.service} ${e.phase}${e.reason ? ` (${e.reason})` : ''}: ${e.succeeded} succeeded, ${e.failed} failed`;
      case 'added':
      case 'removed':
        return null;
      default:
        return null;
    }
  }

  event(e: SupervisorEvent): void {
    const text = this.describe(e);
    if (text)
      this.tend(
        text,
        (e.type === 'state' && e.to === 'failed') || (e.type === 'job' && e.phase === 'Failed'),
      );
  }

  tend(text: string, bad = false): void {
    this.#write(
      `${this.#prefix('tend', 'gray', '>')}${bad ? this.#paint('red', text) : this.#paint('dim', text)}\n`,
    );
  }
}

/** `stopped as requested (SIGTERM, after 12ms)`, or the reason of a stop that was not a user's. */
function stoppedWords(reason: string, stop: { since: number; end: string | null }, at: number): string {
  const how = [stop.end, `after ${formatMs(at - stop.since)}`].filter(Boolean).join(', ');
  if (reason === 'stopped as requested') return `stopped as requested (${how})`;
  return `${reason.startsWith('stopped') ? reason : `stopped: ${reason}`} (${how})`;
}
