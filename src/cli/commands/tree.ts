/** `tend tree [NAME]`: the dependency graph drawn from the services nothing depends on, with states. */
import type { TreeNode } from '../../protocol/methods.ts';
import type { Cli } from '../context.ts';
import { stateColors } from '../output/color.ts';

export async function run(cli: Cli, name: string | undefined): Promise<number> {
  const client = await cli.client();
  const nodes = await client.service.tree(name ? { name } : {});
  if (cli.json) {
    cli.printJson(nodes);
    return 0;
  }
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const edges = (n: TreeNode) => [
    ...Object.entries(n.requires).map(([d, c]) => [d, `requires, ${c}`] as const),
    ...Object.entries(n.wants).map(([d, c]) => [d, `wants, ${c}`] as const),
    ...n.after.map((d) => [d, 'after'] as const),
  ];
  const dependedOn = new Set(nodes.flatMap((n) => edges(n).map(([d]) => d)));
  const roots = nodes.filter((n) => !dependedOn.has(n.name) || n.name === name);
  const label = (n: TreeNode) =>
    `${n.name} ${n.states.map((s) => cli.paint(stateColors[s.state] ?? 'gray', n.states.length > 1 ? `${s.name}=${s.state}` : s.state)).join(' ')}`;
  const draw = (n: TreeNode, prefix: string, seen: Set<string>) => {
    const children = edges(n);
    children.forEach(([dep, how], i) => {
      const last = i === children.length - 1;
      const child = byName.get(dep);
      const text = child ? label(child) : `${dep} (not defined)`;
      cli.print(`${prefix}${last ? '└─' : '├─'} ${text} ${cli.paint('dim', `(${how})`)}`);
      if (child && !seen.has(dep)) draw(child, `${prefix}${last ? '   ' : '│  '}`, new Set([...seen, dep]));
    });
  };
  for (const root of roots.length ? roots : nodes) {
    cli.print(label(root));
    draw(root, '', new Set([root.name]));
  }
  return 0;
}
