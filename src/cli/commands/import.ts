/**
 * `tend import FILE… [--from FORMAT] [-o tend.toml] [--format toml|yaml|json|ts] [--env NAME]`:
 * another supervisor's config as a tend config, checked before it is written, and a summary of
 * what was converted, approximated and left out. Bad input writes nothing.
 */
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ImportFormat, ImportNote } from '../../compat/import/importer.ts';
import { importers, importFiles } from '../../compat/import/index.ts';
import { type OutputFormat, outputFormatOf, render } from '../../compat/import/render.ts';
import { parseText } from '../../config/parse.ts';
import { validateConfig } from '../../config/validate.ts';
import { TendError } from '../../core/errors.ts';
import type { Cli } from '../context.ts';

const defaultOut: Record<OutputFormat, string> = {
  toml: 'tend.toml',
  yaml: 'tend.yaml',
  json: 'tend.json',
  ts: 'tend.config.ts',
};

export async function run(
  cli: Cli,
  files: string[],
  opts: { from?: ImportFormat; output?: string; format?: OutputFormat; env?: string; force?: boolean },
): Promise<number> {
  const toStdout = opts.output === '-';
  const out = path.resolve(
    toStdout ? defaultOut[opts.format ?? 'toml'] : (opts.output ?? defaultOut[opts.format ?? 'toml']),
  );
  const format = opts.format ?? outputFormatOf(out);
  if (!toStdout && existsSync(out) && !opts.force) {
    throw new TendError('TEND_USAGE', {
      message: `${out} exists; pass --force to replace it, or -o another file`,
    });
  }
  const outcome = await importFiles({ files, from: opts.from, outFile: out, env: opts.env });
  const title = importers[outcome.format].title;
  const text = render(outcome, format, title, files);
  if (format !== 'ts') {
    // the written text is what `tend config check` reads: check that very text first
    const parsed = parseText(text, format, out);
    validateConfig(parsed.data, out, parsed.locate);
  }
  if (toStdout) process.stdout.write(text);
  else writeFileSync(out, text);
  summary(cli, toStdout ? '-' : out, outcome, toStdout);
  return 0;
}

function summary(cli: Cli, out: string, o: Awaited<ReturnType<typeof importFiles>>, toStdout: boolean): void {
  const approximated = o.notes.filter((n) => n.kind === 'approximated');
  const unsupported = o.notes.filter((n) => n.kind === 'unsupported');
  const c = o.config;
  if (cli.json) {
    const json = `${JSON.stringify(
      {
        file: out,
        format: o.format,
        services: Object.keys(c.services),
        jobs: Object.keys(c.jobs),
        cron: Object.keys(c.cron),
        groups: Object.keys(c.groups),
        converted: o.converted,
        approximated,
        unsupported,
      },
      null,
      2,
    )}\n`;
    (toStdout ? process.stderr : process.stdout).write(json);
    return;
  }
  const count = (n: number, what: string) => (n ? [`${n} ${what}${n === 1 ? '' : 's'}`] : []);
  const what = [
    ...count(Object.keys(c.services).length, 'service'),
    ...count(Object.keys(c.jobs).length, 'job'),
    ...count(Object.keys(c.cron).length, 'cron job'),
    ...count(Object.keys(c.groups).length, 'group'),
  ];
  const lines = [
    `${out === '-' ? 'stdout' : out}: ${what.join(', ') || 'no services'} from ${importers[o.format].title}`,
    `  ${o.converted} settings converted, ${approximated.length} approximated, ${unsupported.length} not converted${o.notes.length && out !== '-' ? ' (each is a comment in the file)' : ''}`,
    ...o.notes.map(
      (n: ImportNote) =>
        `  ${n.kind === 'approximated' ? 'approximated ' : 'not converted'}  ${n.where ?? '(file)'}  ${n.source}: ${n.message.replace(/\s*\n\s*/g, ' ')}`,
    ),
  ];
  (toStdout ? process.stderr : process.stdout).write(`${lines.join('\n')}\n`);
}
