/**
 * The two bottom lines: what is being typed (a filter, a search), a question to confirm, or
 * the last message; then the help bar of keys.
 */
import { Box, Text } from 'ink';
import React from 'react';
import { helpBar } from './keymap.ts';
import { fit } from './rows.ts';
import { type Theme, tint } from './theme.ts';

const h = React.createElement;

export type Status =
  | { readonly kind: 'prompt'; readonly label: string; readonly text: string }
  | { readonly kind: 'confirm'; readonly question: string }
  | { readonly kind: 'message'; readonly text: string; readonly error: boolean }
  | { readonly kind: 'none' };

export function StatusBar(p: {
  status: Status;
  width: number;
  hint?: string;
  theme: Theme;
}): React.ReactElement {
  const s = p.status;
  const line =
    s.kind === 'prompt'
      ? h(Text, { wrap: 'truncate-start' }, `${s.label}${s.text}█`)
      : s.kind === 'confirm'
        ? h(Text, { bold: true, color: tint(p.theme, 'yellow'), wrap: 'truncate-end' }, `${s.question} (y/n)`)
        : s.kind === 'message'
          ? h(
              Text,
              { color: s.error ? tint(p.theme, 'red') : undefined, wrap: 'truncate-end' },
              s.text || ' ',
            )
          : h(Text, null, ' ');
  return h(
    Box,
    { flexDirection: 'column', height: 2, flexShrink: 0 },
    line,
    h(Text, { dimColor: true, wrap: 'truncate-end' }, fit(p.hint ?? helpBar(p.width), p.width)),
  );
}
