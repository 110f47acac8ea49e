/**
 * The top line: which tend this is and whether the connection holds (lost, connecting again,
 * reconnected), with the counts of services and of those running.
 */
import { Text } from 'ink';
import React from 'react';
import { formatDuration } from '../output/format.ts';
import { fit } from './rows.ts';
import { type Theme, tint } from './theme.ts';
import type { ViewModel } from './view-model.ts';

const h = React.createElement;

/** How long "reconnected" stays in the header after a connection came back. */
const reconnectedShownMs = 10_000;

export function connectionText(m: ViewModel, now: number): { text: string; bad: boolean } {
  const c = m.connection;
  switch (c.status) {
    case 'connecting':
      return { text: `connecting to ${c.where}…`, bad: false };
    case 'lost':
      return {
        text: `connection to ${c.where} lost ${formatDuration(now - c.since)} ago (${c.error}); connecting again…`,
        bad: true,
      };
    case 'connected':
      return {
        text:
          c.reconnects > 0 && now - c.since < reconnectedShownMs
            ? `reconnected to ${c.where}`
            : `connected to ${c.where}`,
        bad: false,
      };
  }
}

export function Header(p: {
  model: ViewModel;
  width: number;
  now: number;
  theme: Theme;
}): React.ReactElement {
  const { text, bad } = connectionText(p.model, p.now);
  const services = [...p.model.services.values()];
  const running = services.filter((s) => s.view.state === 'running').length;
  const counts = p.model.loaded ? ` · ${services.length} services, ${running} running` : '';
  return h(
    Text,
    {
      wrap: 'truncate-end',
      bold: true,
      color: bad ? tint(p.theme, 'red') : undefined,
      inverse: bad && !p.theme.color,
    },
    fit(`tend · ${text}${bad ? '' : counts}`, p.width),
  );
}
