/** Every scenario, in the order a full run takes them. */
import { baseline } from './baseline.ts';
import { bringup } from './bringup.ts';
import { cli } from './cli.ts';
import { crashloop } from './crashloop.ts';
import { events } from './events.ts';
import { idleCpu } from './idle-cpu.ts';
import { logs } from './logs.ts';
import { memory } from './memory.ts';
import { restart } from './restart.ts';
import type { Scenario } from './scenario.ts';
import { soak } from './soak.ts';
import { stopall } from './stopall.ts';
import { tui } from './tui.ts';
import { web } from './web.ts';

export const scenarios: readonly Scenario[] = [
  baseline,
  bringup,
  memory,
  idleCpu,
  restart,
  events,
  crashloop,
  logs,
  cli,
  stopall,
  tui,
  web,
  soak,
];
