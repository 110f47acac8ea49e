/**
 * `tend export k8s|systemd|compose [config] [--image IMG] [-o DIR]`: the config as Kubernetes
 * objects, systemd units or a compose.yaml, printed or written to DIR, with what did not map
 * listed at the top of each file and counted here.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ExportTarget } from '../../compat/export/exporter.ts';
import { exportConfig } from '../../compat/export/index.ts';
import type { Cli } from '../context.ts';

export async function run(
  cli: Cli,
  target: ExportTarget,
  config: string | undefined,
  opts: { image?: string; output?: string },
): Promise<number> {
  const out = await exportConfig(target, config, { image: opts.image });
  if (!opts.output) {
    if (cli.json) {
      cli.printJson({ files: out.files, unmapped: out.unmapped });
      return 0;
    }
    const many = out.files.length > 1;
    process.stdout.write(out.files.map((f) => `${many ? `# ==> ${f.name} <==\n` : ''}${f.text}`).join('\n'));
    return 0;
  }
  const dir = path.resolve(opts.output);
  mkdirSync(dir, { recursive: true });
  for (const f of out.files) writeFileSync(path.join(dir, f.name), f.text);
  if (cli.json) {
    cli.printJson({ dir, files: out.files.map((f) => f.name), unmapped: out.unmapped });
    return 0;
  }
  cli.print(`${dir}: ${out.files.map((f) => f.name).join(', ')}`);
  cli.print(
    out.unmapped.length
      ? `${out.unmapped.length} settings not mapped (listed at the top of each file):\n${out.unmapped.map((u) => `  ${u}`).join('\n')}`
      : 'every setting mapped',
  );
  return 0;
}
