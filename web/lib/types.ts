/**
 * The protocol's records as the page receives them: the same zod-derived types the server
 * uses (type-only imports, erased from the bundle), so the page never restates a shape.
 */
import type { ResultOf } from '../../src/protocol/methods.ts';

export type {
  CronView,
  EventView,
  HistoryEntryView,
  JobView,
  LogLineView,
  ServiceView,
  StatsView,
  TreeNode,
  WhyView,
} from '../../src/protocol/methods.ts';

export type GroupView = ResultOf<'group.list'>[number];
export type ServiceState = ResultOf<'service.list'>[number]['state'];
