/**
 * The log pane: a title saying whose lines these are and how they are shown, then the rows
 * that fit, stderr tinted, a search match inverted.
 */
import { Box, Text } from 'ink';
import React from 'react';
import type { LogState } from './log-feed.ts';
import type { PaneView } from './log-lines.ts';
import { rule } from './rows.ts';
import { type Theme, tint } from './theme.ts';

const h = React.createElement;

export interface LogPaneProps {
  readonly logs: LogState;
  readonly view: PaneView;
  readonly width: number;
  /** Rows below the title. */
  readonly height: number;
  readonly wrap: boolean;
  readonly stderrOnly: boolean;
  readonly search: string;
  readonly theme: Theme;
}

function title(p: LogPaneProps): string {
  const status =
    p.logs.status === 'following'
      ? p.view.following
        ? 'following'
        : 'scrolled back (End follows)'
      : p.logs.status === 'loading'
        ? 'loading…'
        : p.logs.status === 'offline'
          ? 'not connected'
          : p.logs.status === 'error'
            ? `cannot read: ${p.logs.error ?? ''}`
            : '';
  const parts = [
    p.logs.target ? `logs: ${p.logs.target}` : 'logs',
    status,
    p.stderrOnly ? 'stderr only' : '',
    p.wrap ? 'wrap' : '',
    p.search ? `search: ${p.search}` : '',
    p.logs.missed ? `${p.logs.missed} lines missed (fell behind)` : '',
  ].filter(Boolean);
  return rule(`── ${parts.join(' · ')} `, p.width);
}

function emptyText(p: LogPaneProps): string {
  if (!p.logs.target) return 'select a row to see its output';
  if (p.logs.status === 'loading') return 'loading…';
  return p.stderrOnly ? 'no stderr lines' : 'no output yet';
}

export function LogPane(p: LogPaneProps): React.ReactElement {
  const rows =
    p.view.rows.length === 0
      ? [h(Text, { key: 'empty', dimColor: true }, emptyText(p))]
      : p.view.rows.map((r) =>
          h(
            Text,
            {
              key: r.key,
              wrap: 'truncate-end',
              inverse: r.match,
              color: r.stream === 'stderr' ? tint(p.theme, 'yellow') : undefined,
            },
            r.text || ' ',
          ),
        );
  return h(
    Box,
    { flexDirection: 'column', height: p.height + 1, flexShrink: 0 },
    h(Text, { dimColor: true, wrap: 'truncate-end' }, title(p)),
    ...rows,
  );
}
