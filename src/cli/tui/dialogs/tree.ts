/** `t`: the dependency graph with each service's state, as `tend tree` draws it. */
import type { Client } from '../../../client/client.ts';
import { treeLines } from '../../output/tree-lines.ts';
import { type Line, stateTint, type Theme } from '../theme.ts';

export async function loadTree(client: Client, theme: Theme): Promise<Line[]> {
  const nodes = await client.service.tree();
  if (nodes.length === 0) return [{ text: 'no services' }];
  return treeLines(nodes).map((l) => {
    const states = l.node?.states ?? [];
    const shown = states.map((s) => (states.length > 1 ? `${s.name}=${s.state}` : s.state)).join(' ');
    const worst = states.find((s) => s.state !== 'running')?.state ?? states[0]?.state ?? '';
    const text = l.node ? `${l.name} ${shown}` : `${l.name} (not defined)`;
    return { text: `${l.prefix}${text}${l.how ? ` (${l.how})` : ''}`, tint: stateTint(theme, worst) };
  });
}
