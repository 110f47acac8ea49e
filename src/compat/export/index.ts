/** `tend export`'s engine: read and validate the config, then hand it to the target's exporter. */
import path from 'node:path';
import { compose } from './compose.ts';
import type { Exported, Exporter, ExportTarget } from './exporter.ts';
import { k8s } from './k8s.ts';
import { readConfig } from './model.ts';
import { systemd } from './systemd.ts';

export const exporters: Readonly<Record<ExportTarget, Exporter>> = { k8s, systemd, compose };

export async function exportConfig(
  target: ExportTarget,
  file: string | undefined,
  options: { image?: string } = {},
): Promise<Exported & { file: string }> {
  const { file: abs, dir, config } = await readConfig(file);
  const project = path.basename(dir) || 'tend';
  const out = exporters[target].run({
    config,
    file: abs,
    dir,
    project,
    image: options.image ?? `${project}:latest`,
  });
  return { ...out, file: abs };
}
