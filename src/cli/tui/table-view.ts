/**
 * The table of services, job runs and cron jobs: a header, then the rows that fit, the
 * selected one marked and inverted, its state coloured when there is colour.
 */
import { Box, Text } from 'ink';
import React from 'react';
import { type Column, cellOf, fit, type Row } from './rows.ts';
import { stateTint, type Theme } from './theme.ts';

const h = React.createElement;

export interface TableProps {
  readonly rows: readonly Row[];
  readonly columns: readonly Column[];
  readonly selected: number;
  readonly offset: number;
  /** Rows below the header. */
  readonly height: number;
  readonly empty: string;
  readonly theme: Theme;
}

interface RowProps {
  readonly row: Row;
  readonly columns: readonly Column[];
  readonly selected: boolean;
  readonly theme: Theme;
}

function RowLine({ row, columns, selected, theme }: RowProps): React.ReactElement {
  const cells = columns.map((c) => {
    const text = fit(cellOf(row, c.id), c.width, c.right);
    return c.id === 'state' ? h(Text, { key: c.id, color: stateTint(theme, row.state) }, text) : text;
  });
  const spaced = cells.flatMap((c, i) => (i === 0 ? [c] : [' ', c]));
  return h(Text, { wrap: 'truncate-end', inverse: selected }, selected ? '› ' : '  ', ...spaced);
}

const cellIds = [
  'name',
  'pid',
  'uptime',
  'restarts',
  'cpu',
  'mem',
  'info',
] as const satisfies readonly (keyof Row['cells'])[];

/** A row is drawn again only when what it shows changed. */
const MemoRow = React.memo(
  RowLine,
  (a, b) =>
    a.selected === b.selected &&
    a.columns === b.columns &&
    a.theme === b.theme &&
    a.row.state === b.row.state &&
    cellIds.every((k) => a.row.cells[k] === b.row.cells[k]),
);

export function TableView(p: TableProps): React.ReactElement {
  const header = h(
    Text,
    { bold: true, wrap: 'truncate-end' },
    `  ${p.columns.map((c) => fit(c.title, c.width, c.right)).join(' ')}`,
  );
  const visible = p.rows.slice(p.offset, p.offset + p.height);
  const lines =
    visible.length === 0
      ? [h(Text, { key: 'empty', dimColor: true }, `  ${p.empty}`)]
      : visible.map((row, i) =>
          h(MemoRow, {
            key: row.key,
            row,
            columns: p.columns,
            selected: p.offset + i === p.selected,
            theme: p.theme,
          }),
        );
  return h(Box, { flexDirection: 'column', height: p.height + 1, flexShrink: 0 }, header, ...lines);
}
