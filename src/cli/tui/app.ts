/**
 * The TUI's root view: lays out the header, the table, the log pane (or a page over them) and
 * the status bar to the terminal's size, hands key presses to ui-state and carries out the
 * effect it returns.
 */
import { Box, useApp, useInput, useWindowSize } from 'ink';
import React, { useEffect, useMemo, useRef, useState, useSyncExternalStore } from 'react';
import { unreachable } from '../../core/errors.ts';
import { describe, perform } from './actions.ts';
import { loadDetails } from './dialogs/details.ts';
import { Page } from './dialogs/page.ts';
import { SignalPicker } from './dialogs/signal-picker.ts';
import { loadTree } from './dialogs/tree.ts';
import { Header } from './header.ts';
import type { LogFeed } from './log-feed.ts';
import { paneRows } from './log-lines.ts';
import { LogPane } from './log-pane.ts';
import { columns, type Row, tableRows } from './rows.ts';
import { type Status, StatusBar } from './status-bar.ts';
import type { TuiStore } from './store.ts';
import { TableView } from './table-view.ts';
import type { Line, Theme } from './theme.ts';
import { type Effect, initialUi, type KeyContext, onInput, selectedIndex, type UiState } from './ui-state.ts';
import { ValueStore } from './value-store.ts';

const h = React.createElement;

export interface AppProps {
  readonly store: TuiStore;
  readonly feed: LogFeed;
  readonly theme: Theme;
}

/** A new selection follows the logs after this pause, so holding j does not open a follow per row. */
const followAfterMs = 120;
const messageShownMs = 8000;

const hints: Record<string, string> = {
  page: 'j/k scroll  PgUp/PgDn page  esc close',
  signals: 'j/k choose  ⏎ send  1-9 pick  esc cancel',
  filter: 'type a name or a state  ⏎ keep  esc clear',
  search: 'a regular expression  ⏎ search older lines  esc cancel',
  confirm: 'y confirms, any other key cancels',
};

function statusOf(ui: UiState): Status {
  const m = ui.mode;
  if (m.kind === 'prompt')
    return { kind: 'prompt', label: m.purpose === 'filter' ? 'filter: ' : '/', text: m.text };
  if (m.kind === 'confirm') {
    return {
      kind: 'confirm',
      question: `${describe(m.target, m.action)}? it is a system service, or its class is not known yet`,
    };
  }
  return ui.message ? { kind: 'message', ...ui.message } : { kind: 'none' };
}

function hintOf(ui: UiState): string | undefined {
  const m = ui.mode;
  return m.kind === 'prompt' ? hints[m.purpose] : m.kind === 'table' ? undefined : hints[m.kind];
}

export function App({ store, feed, theme }: AppProps): React.ReactElement {
  const model = useSyncExternalStore(store.subscribe, () => store.model);
  const logs = useSyncExternalStore(feed.subscribe, () => feed.state);
  const { columns: width, rows: height } = useWindowSize();
  const { exit } = useApp();
  const [uiStore] = useState(() => new ValueStore<UiState>(initialUi));
  const ui = useSyncExternalStore(uiStore.subscribe, uiStore.get);
  const offset = useRef(0);
  // the model changes at least every second (uptimes move): rows are built again only then
  const now = useMemo(() => (model.revision >= 0 ? Date.now() : 0), [model]);

  const rows = useMemo(() => tableRows(model, ui.filter, now), [model, ui.filter, now]);
  const cols = useMemo(() => columns(width, rows), [width, rows]);
  const selected = selectedIndex(ui, rows);
  const row: Row | undefined = rows[selected];

  // header and status bar: 3 lines; the table's and the pane's titles: 2 more
  const body = Math.max(4, height - 3);
  const share = Math.max(3, Math.floor((body - 2) * 0.45));
  const tableHeight = Math.max(1, Math.min(rows.length || 1, share));
  const logHeight = Math.max(1, body - 2 - tableHeight);
  if (selected < offset.current) offset.current = Math.max(0, selected);
  if (selected >= offset.current + tableHeight) offset.current = selected - tableHeight + 1;
  offset.current = Math.max(0, Math.min(offset.current, rows.length - tableHeight));

  const pane = paneRows(logs.entries, {
    width,
    height: logHeight,
    wrap: ui.wrap,
    stderrOnly: ui.stderrOnly,
    bottom: ui.bottom,
    highlight: ui.highlight,
  });

  // the selected row's output, once the selection rests
  const logTarget = row?.target.log ?? null;
  const first = useRef(true);
  useEffect(() => {
    const wait = first.current ? 0 : followAfterMs;
    first.current = false;
    const timer = setTimeout(() => {
      feed.setTarget(logTarget);
      uiStore.update((u) => ({ ...u, bottom: null, highlight: null }));
    }, wait);
    return () => clearTimeout(timer);
  }, [feed, logTarget, uiStore]);

  // CPU and memory are read only for the rows on screen
  const visible = rows.slice(offset.current, offset.current + tableHeight);
  useEffect(() => {
    store.setVisible(visible.flatMap((r) => (r.target.kind === 'service' ? [r.target.name] : [])));
  });

  useEffect(() => {
    if (!ui.message) return;
    const timer = setTimeout(
      () => uiStore.update((u) => (u.message === ui.message ? { ...u, message: null } : u)),
      messageShownMs,
    );
    return () => clearTimeout(timer);
  }, [ui.message, uiStore]);

  const pageToken = useRef(0);
  const openPage = (load: Promise<{ title: string; lines: Line[] }>) => {
    const token = ++pageToken.current;
    const show = (title: string | null, lines: Line[]) =>
      uiStore.update((u) =>
        u.mode.kind === 'page' && token === pageToken.current
          ? { ...u, mode: { ...u.mode, title: title ?? u.mode.title, lines } }
          : u,
      );
    load.then(
      (p) => show(p.title, p.lines),
      (e: unknown) => show(null, [{ text: e instanceof Error ? e.message : String(e), tint: 'red' }]),
    );
  };

  const run = (effect: Effect) => {
    const client = store.client;
    if (effect.kind === 'quit') return exit();
    if (!client) {
      uiStore.update((u) => ({
        ...u,
        message: { text: 'not connected to tend: connecting again…', error: true },
      }));
      return;
    }
    switch (effect.kind) {
      case 'perform': {
        const what = describe(effect.target, effect.action);
        perform(client, effect.target, effect.action).then(
          (text) => {
            if (effect.target.kind !== 'service') store.refreshJobs();
            uiStore.update((u) => ({ ...u, message: { text, error: false } }));
          },
          (e: unknown) =>
            uiStore.update((u) => ({
              ...u,
              message: { text: `${what}: ${e instanceof Error ? e.message : String(e)}`, error: true },
            })),
        );
        return;
      }
      case 'details':
        return openPage(loadDetails(client, effect.target, store.model, Date.now()));
      case 'tree':
        return openPage(loadTree(client, theme).then((lines) => ({ title: 'dependency tree', lines })));
      default:
        return unreachable(effect);
    }
  };

  // the key handler sees the screen as last drawn, and the screen's state as it is now
  const latest = useRef<KeyContext>(null);
  latest.current = {
    rows,
    entries: logs.entries,
    top: pane.top,
    logHeight,
    pageHeight: body,
    instances: (base) => [...model.services.values()].filter((e) => e.view.base === base).length,
  };
  useInput((input, key) => {
    const ctx = latest.current;
    if (!ctx) return;
    const step = onInput(uiStore.get(), input, key, ctx);
    uiStore.update(() => step.state);
    if (step.effect) run(step.effect);
  });

  const m = ui.mode;
  const emptyTable = !model.loaded
    ? 'waiting for tend…'
    : ui.filter
      ? `nothing matches "${ui.filter}"`
      : 'no services';
  const table = h(TableView, {
    key: 'table',
    rows,
    columns: cols,
    selected,
    offset: offset.current,
    height: tableHeight,
    empty: emptyTable,
    theme,
  });
  const middle =
    m.kind === 'page'
      ? [
          h(Page, {
            key: 'page',
            title: m.title,
            lines: m.lines,
            offset: m.offset,
            width,
            height: body,
            theme,
          }),
        ]
      : m.kind === 'signals'
        ? [
            table,
            h(SignalPicker, { key: 'signals', name: m.target.name, index: m.index, height: logHeight + 1 }),
          ]
        : [
            table,
            h(LogPane, {
              key: 'logs',
              logs,
              view: pane,
              width,
              height: logHeight,
              wrap: ui.wrap,
              stderrOnly: ui.stderrOnly,
              search: ui.search,
              theme,
            }),
          ];
  return h(
    Box,
    { flexDirection: 'column', width, height },
    h(Header, { model, width, now, theme }),
    ...middle,
    h(StatusBar, { status: statusOf(ui), width, hint: hintOf(ui), theme }),
  );
}
