/**
 * A map whose changes reach the screen in animation frames: many changes make one render, no
 * sooner than `minGapMs` after the last, and at most `chunk` changed entries per frame, so a
 * thousand rows changing at once render over a few short frames instead of one long one.
 */
import { Observable } from './observable.ts';

export class FramedMap<K, V> {
  readonly published: Observable<ReadonlyMap<K, V>>;
  readonly #chunk: number;
  readonly #minGapMs: number;
  readonly #afterFlush: () => void;
  /** The state the published map is moving to, and which of its keys differ from it. */
  #draft: Map<K, V> | null = null;
  readonly #changed = new Set<K>();
  #frame = 0;
  #timer: ReturnType<typeof setTimeout> | 0 = 0;
  #lastFlush = 0;

  constructor(opts: { chunk: number; minGapMs: number; afterFlush?: () => void }) {
    this.published = new Observable<ReadonlyMap<K, V>>(new Map());
    this.#chunk = opts.chunk;
    this.#minGapMs = opts.minGapMs;
    this.#afterFlush = opts.afterFlush ?? (() => {});
  }

  /** The latest value, published or not. */
  get(key: K): V | undefined {
    return (this.#draft ?? this.published.value).get(key);
  }

  has(key: K): boolean {
    return (this.#draft ?? this.published.value).has(key);
  }

  set(key: K, value: V): void {
    this.#draft ??= new Map(this.published.value);
    this.#draft.set(key, value);
    this.#changed.add(key);
    this.schedule();
  }

  delete(key: K): void {
    if (!this.has(key)) return;
    this.#draft ??= new Map(this.published.value);
    this.#draft.delete(key);
    this.#changed.add(key);
    this.schedule();
  }

  /** Everything at once: published now when nothing was shown yet (the first load), else framed. */
  replace(next: Map<K, V>): void {
    const shown = this.published.value;
    if (shown.size === 0) {
      this.#draft = null;
      this.#changed.clear();
      this.published.set(next);
      return;
    }
    for (const [k, v] of next) if (shown.get(k) !== v) this.#changed.add(k);
    for (const k of shown.keys()) if (!next.has(k)) this.#changed.add(k);
    this.#draft = next;
    this.schedule();
  }

  /** A render at the next allowed frame (also for the owner's other pending changes). */
  schedule(): void {
    if (this.#frame || this.#timer) return;
    const wait = this.#lastFlush + this.#minGapMs - performance.now();
    if (wait > 0) {
      this.#timer = setTimeout(() => {
        this.#timer = 0;
        this.schedule();
      }, wait);
      return;
    }
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.#lastFlush = performance.now();
      this.#flush();
      this.#afterFlush();
    });
  }

  close(): void {
    cancelAnimationFrame(this.#frame);
    clearTimeout(this.#timer);
  }

  #flush(): void {
    const draft = this.#draft;
    if (!draft) return;
    if (this.#changed.size <= this.#chunk) {
      this.#draft = null;
      this.#changed.clear();
      this.published.set(draft);
      return;
    }
    const next = new Map(this.published.value);
    let n = 0;
    for (const k of this.#changed) {
      if (n++ === this.#chunk) break;
      this.#changed.delete(k);
      const v = draft.get(k);
      if (v === undefined) next.delete(k);
      else next.set(k, v);
    }
    this.published.set(next);
    // the rest follows in the very next frame: the gap is for bursts, not for a chunked one
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.#flush();
      this.#afterFlush();
    });
  }
}
