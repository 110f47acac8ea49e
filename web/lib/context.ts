/** What every view of a signed-in page reaches: the API, the live services and figures. */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import type { Api } from './api.ts';
import type { Live } from './live.ts';
import type { LiveStats } from './stats.ts';

export interface AppContext {
  readonly api: Api;
  readonly live: Live;
  readonly stats: LiveStats;
  /** False for a read-only token: views leave their actions out. */
  readonly canAct: boolean;
}

export const App = createContext<AppContext | null>(null);

export function useApp(): AppContext {
  const app = useContext(App);
  if (!app) throw new Error('a view rendered outside the signed-in page');
  return app;
}
