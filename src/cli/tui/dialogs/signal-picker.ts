/** `K`: the signals to send, one selected; j/k move, enter sends, a digit picks at once. */
import { Box, Text } from 'ink';
import React from 'react';
import { signals } from '../actions.ts';

const h = React.createElement;

const meaning: Readonly<Record<(typeof signals)[number], string>> = {
  SIGTERM: 'ask to stop (what tend stop sends unless stop_signal says otherwise)',
  SIGINT: 'interrupt, as Ctrl-C',
  SIGHUP: 'hang up; many services reload their config',
  SIGQUIT: 'quit, often with a core dump or a thread dump',
  SIGUSR1: 'user-defined 1',
  SIGUSR2: 'user-defined 2',
  SIGKILL: 'kill at once; the process cannot catch it',
  SIGSTOP: 'pause the process group',
  SIGCONT: 'resume a paused process group',
};

export function SignalPicker(p: { name: string; index: number; height: number }): React.ReactElement {
  return h(
    Box,
    { flexDirection: 'column', height: p.height, flexShrink: 0 },
    h(Text, { bold: true }, `── send a signal to ${p.name}'s process group ──`),
    ...signals.map((s, i) =>
      h(
        Text,
        { key: s, inverse: i === p.index, wrap: 'truncate-end' },
        `${i === p.index ? '›' : ' '} ${i + 1} ${s.padEnd(8)} ${meaning[s]}`,
      ),
    ),
  );
}
