/**
 * Events from before the page opened, from tend's event history when it has one: the
 * `history.query` method. A tend without it answers METHOD_NOT_FOUND once; the page then
 * shows what it saw itself, and says so.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../lib/api.ts';
import { useApp } from '../lib/context.ts';
import type { EventView } from '../lib/types.ts';

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
    const params = { ...(services ? { services } : {}), ...(type ? { types: [type] } : {}), limit: 500 };
    api.rpc<{ events: EventView[] } | EventView[]>('history.query', params).then(
      (r) => {
        supported = true;
        const events = Array.isArray(r) ? r : r.events;
        if (current)
          setHistory({ events: [...events].sort((a, b) => a.at - b.at), note: "From tend's event history." });
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
