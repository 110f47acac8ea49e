/** `tend tree [NAME]`: the dependency graph drawn from the services nothing depends on, with states. */
import type { TreeNode } from '../../protocol/methods.ts';
import type { Cli } from '../context.ts';
import { stateColors } from '../output/color.ts';
import { treeLines } from '../output/tree-lines.ts';

export async function run(cli: Cli, name: string | undefined): Promise<number> {
  const client = await cli.client();
  const nodes = await client.service.tree(name ? { name } : {});
  if (cli.json) {
    cli.printJson(nodes);
    return 0;
  }
  const label = (n: TreeNode) =>
    `${n.name} ${n.states.map((s) => cli.paint(stateColors[s.state] ?? 'gray', n.states.length > 1 ? `${s.name}=${s.state}` : s.state)).join(' ')}`;
  for (const line of treeLines(nodes, name)) {
    const text = line.node ? label(line.node) : `${line.name} (not defined)`;
    cli.print(`${line.prefix}${text}${line.how ? ` ${cli.paint('dim', `(${line.how})`)}` : ''}`);
  }
  return 0;
}
