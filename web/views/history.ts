/**
 * Events from before the page opened, from tend's event history when it has one: the
 * `history.query` method. A tend without it answers METHOD_NOT_FOUND once; the page then
 * shows what it saw itself, and says so.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../lib/api.ts';
import { useApp } from '../lib/context.ts';
import type { EventView, HistoryEntryView } from '../lib/types.ts';

let supported: boolean | null = null;

export interface History {
  /** null while unknown, or when tend keeps no history. */
  readonly events: readonly EventView[] | null;
  readonly note: string;
}

const sessionOnly = 'tend keeps no event history yet: this shows what happened since the page opened.';

/** `history.query` params: the services (all when absent), event types, newest first, a limit. */
export function useHistory(services: readonly string[] | null, type: string | null): History {
  const { api } = useApp();
  const [history, setHistory] = useState<History>({
    events: null,
    note: supported === false ? sessionOnly : '',
  });
  const key = `${services?.join(',') ?? '*'}|${type ?? '*'}`;
  useEffect(() => {
    if (supported === false) return;
    let current = true;
    // history.query's names and kinds; 'exit' and 'state' are kinds of its own
    const params = {
      ...(services ? { names: services } : {}),
      ...(type ? { kinds: [type] } : {}),
      limit: 500,
    };
    api.rpc<{ entries: HistoryEntryView[] }>('history.query', params).then(
      (r) => {
        supported = true;
        const events = r.entries.map(asEvent);
        if (current)
          setHistory({ events: events.sort((a, b) => a.at - b.at), note: "From tend's event history." });
      },
      (e: unknown) => {
        if (e instanceof ApiError && e.code === 'METHOD_NOT_FOUND') supported = false;
        if (current)
          setHistory({
            events: null,
            note: supported === false ? sessionOnly : `The event history could not be read.`,
          });
      },
    );
    return () => {
      current = false;
    };
  }, [key]);
  return history;
}

/** An entry in the shape of a live event, so one view shows both; `what` is its own line. */
function asEvent(h: HistoryEntryView): EventView {
  return {
    ...h.detail,
    type: h.kind,
    service: h.service ?? '',
    at: h.at,
    what: h.who ? `${h.what} (${h.who})` : h.what,
  } as EventView;
}
