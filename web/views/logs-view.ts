/**
 * A service's logs, following live: the last lines tend buffered, then each new one as it is
 * written. Search narrows to the lines that contain the text, "stderr only" to error output,
 * and download saves what tend has as a text file (fetched with the token, never a URL).
 */
import { html } from 'htm/preact';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { describeError } from '../lib/api.ts';
import { useApp } from '../lib/context.ts';
import { clock } from '../lib/format.ts';
import { jsonLines, pause } from '../lib/lines.ts';
import type { LogLineView } from '../lib/types.ts';

/** Lines kept on the page, and shown at most (the newest). */
const kept = 5000;
const shown = 1000;

function Highlight({ text, term }: { text: string; term: string }) {
  if (!term) return html`${text}`;
  const at = text.toLowerCase().indexOf(term);
  if (at === -1) return html`${text}`;
  return html`${text.slice(0, at)}<mark>${text.slice(at, at + term.length)}</mark>${text.slice(at + term.length)}`;
}

export function LogsView({ name }: { name: string }) {
  const { api } = useApp();
  const [lines, setLines] = useState<readonly LogLineView[]>([]);
  const [missed, setMissed] = useState(0);
  const [problem, setProblem] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [stderrOnly, setStderrOnly] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const pinned = useRef(true);

  useEffect(() => {
    const abort = new AbortController();
    const seen = new Set<string>();
    let buffer: LogLineView[] = [];
    let frame = 0;
    const flush = () => {
      frame = 0;
      const add = buffer;
      buffer = [];
      setLines((old) => {
        const all = [...old, ...add];
        return all.length > kept ? all.slice(-kept) : all;
      });
    };
    const take = (l: LogLineView) => {
      const id = `${l.service}#${l.seq}`;
      if (seen.has(id)) return;
      seen.add(id);
      buffer.push(l);
      frame ||= requestAnimationFrame(flush);
    };
    const path = `/api/services/${encodeURIComponent(name)}/logs`;
    void (async () => {
      while (!abort.signal.aborted) {
        try {
          // following first, then the buffered tail: a line written in between is in one of them
          const res = await api.stream(`${path}?follow=1`, abort.signal);
          const tail = await api.get<{ lines: LogLineView[] }>(`${path}?lines=${kept}`, abort.signal);
          for (const l of tail.lines) take(l);
          setProblem(null);
          for await (const item of jsonLines(res)) {
            const m = item as LogLineView & { missed?: number };
            if (m.missed) setMissed((n) => n + (m.missed ?? 0));
            else take(m);
          }
        } catch (e) {
          if (abort.signal.aborted) return;
          setProblem(`Following the logs stopped: ${describeError(e)}; trying again.`);
        }
        await pause(1000, abort.signal);
      }
    })();
    return () => {
      abort.abort();
      cancelAnimationFrame(frame);
    };
  }, [name]);

  const term = search.trim().toLowerCase();
  const matching = useMemo(
    () =>
      lines.filter(
        (l) => (!stderrOnly || l.stream === 'stderr') && (!term || l.text.toLowerCase().includes(term)),
      ),
    [lines, term, stderrOnly],
  );
  const visible = matching.length > shown ? matching.slice(-shown) : matching;

  useLayoutEffect(() => {
    const el = box.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [visible]);

  const download = async () => {
    try {
      const all = await api.get<{ lines: LogLineView[] }>(
        `/api/services/${encodeURIComponent(name)}/logs?lines=1000000`,
      );
      const text = all.lines
        .map((l) => `${new Date(l.at).toISOString()} ${l.service} ${l.stream} ${l.text}`)
        .join('\n');
      const url = URL.createObjectURL(new Blob([`${text}\n`], { type: 'text/plain' }));
      const a = document.createElement('a');
      a.href = url;
      a.download = `${name.replace(/[^\w.-]+/g, '_')}.log`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (e) {
      setProblem(`The download failed: ${describeError(e)}`);
    }
  };

  return html`<section aria-labelledby="logs-title" class="logs">
    <div class="toolbar">
      <h2 id="logs-title">Logs</h2>
      <label class="filter">
        <span>Search</span>
        <input type="search" id="log-search" value=${search} onInput=${(e: Event) => setSearch((e.target as HTMLInputElement).value)} />
      </label>
      <label class="check">
        <input type="checkbox" id="log-stderr" checked=${stderrOnly} onChange=${(e: Event) => setStderrOnly((e.target as HTMLInputElement).checked)} />
        stderr only
      </label>
      <button type="button" onClick=${download}>Download</button>
    </div>
    <p class="muted" aria-live="polite" id="log-count">
      ${term || stderrOnly ? `${matching.length} of ${lines.length} lines match` : `${lines.length} lines`}${matching.length > shown ? `, the last ${shown} shown` : ''}${missed ? `; ${missed} lines missed while the page fell behind` : ''}
    </p>
    ${problem ? html`<p role="alert">${problem}</p>` : null}
    <div
      class="log-lines"
      ref=${box}
      tabindex="0"
      role="log"
      aria-live="off"
      aria-label=${`Log lines of ${name}`}
      onScroll=${(e: Event) => {
        const el = e.currentTarget as HTMLDivElement;
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
      }}
    >
      ${visible.map(
        (l) => html`<div key=${`${l.service}#${l.seq}`} class=${`line ${l.stream}`} data-stream=${l.stream}>
          <time datetime=${new Date(l.at).toISOString()}>${clock(l.at)}</time>
          ${name !== l.service ? html`<span class="who">${l.service}</span>` : null}
          <span class="stream"><span aria-hidden="true">${l.stream === 'stderr' ? '!' : '|'}</span><span class="sr-only">${l.stream}</span></span>
          <span class="text"><${Highlight} text=${l.text} term=${term} /></span>
        </div>`,
      )}
    </div>
  </section>`;
}
