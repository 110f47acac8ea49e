/** A page over the table and the log pane: a title and lines that scroll (details, tree, help). */
import { Box, Text } from 'ink';
import React from 'react';
import { rule } from '../rows.ts';
import { type Line, type Theme, tint } from '../theme.ts';

const h = React.createElement;

export interface PageProps {
  readonly title: string;
  readonly lines: readonly Line[];
  readonly offset: number;
  readonly width: number;
  readonly height: number;
  readonly theme: Theme;
}

/** The first line a page may start at, so its end stays on screen. */
export function maxOffset(lines: number, height: number): number {
  return Math.max(0, lines - (height - 1));
}

export function Page(p: PageProps): React.ReactElement {
  const body = p.lines.slice(p.offset, p.offset + p.height - 1);
  return h(
    Box,
    { flexDirection: 'column', height: p.height, flexShrink: 0 },
    h(Text, { bold: true, wrap: 'truncate-end' }, rule(`── ${p.title} `, p.width)),
    ...body.map((l, i) =>
      h(
        Text,
        { key: String(p.offset + i), wrap: 'truncate-end', bold: l.bold, color: tint(p.theme, l.tint) },
        l.text || ' ',
      ),
    ),
  );
}
