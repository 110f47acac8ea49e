/** `tend why NAME`: the state of each instance, then one line per dependency saying what it waits for. */
import type { Cli } from '../context.ts';
import { stateColors } from '../output/color.ts';

const marks = { met: 'ok', waiting: '..', failed: '!!' } as const;

export async function run(cli: Cli, name: string): Promise<number> {
  const client = await cli.client();
  const records = await client.service.why({ name });
  if (cli.json) {
    cli.printJson(records);
    return 0;
  }
  for (const r of records) {
    cli.print(
      `${cli.paint('bold', r.name)} is ${cli.paint(stateColors[r.state] ?? 'gray', r.state)}: ${r.reason}`,
    );
    if (r.dependencies.length === 0) cli.print('  no dependencies');
    for (const d of r.dependencies) {
      const color = d.verdict === 'met' ? 'green' : d.verdict === 'waiting' ? 'yellow' : 'red';
      cli.print(`  ${cli.paint(color, marks[d.verdict])} ${d.detail}`);
    }
  }
  return 0;
}
