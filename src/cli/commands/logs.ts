/**
 * `tend logs [NAME…] [-f] [-n N] [--since 10m] [--stream S] [--grep RE] [--json]`: buffered
 * lines merged by time, prefixed as `tend up` prints them; `-f` then follows new lines and
 * says how many were missed when this reader fell behind.
 */

import { TendError } from '../../core/errors.ts';
import { parseDuration } from '../../core/units.ts';
import type { LogLineView } from '../../protocol/methods.ts';
import type { Cli } from '../context.ts';
import { UpPrinter } from '../output/up-printer.ts';

export interface LogsOptions {
  follow?: boolean;
  lines?: string;
  since?: string;
  stream?: 'stdout' | 'stderr';
  grep?: string;
}

export async function run(cli: Cli, names: string[], opts: LogsOptions): Promise<number> {
  const client = await cli.client();
  const filter = {
    ...(names.length ? { names } : {}),
    ...(opts.stream ? { stream: opts.stream } : {}),
    ...(opts.grep ? { grep: opts.grep } : {}),
  };
  const lines = opts.lines === undefined ? (opts.follow ? 10 : 100) : Number(opts.lines);
  if (!Number.isInteger(lines) || lines < 0)
    throw new TendError('TEND_USAGE', { message: `-n takes a number of lines, got ${opts.lines}` });
  let since: number | undefined;
  if (opts.since !== undefined) {
    const ms = parseDuration(opts.since);
    if (ms === null)
      throw new TendError('TEND_USAGE', { message: `--since takes a duration like 10m, got ${opts.since}` });
    since = Date.now() - ms;
  }
  // a batch is written in one piece: a fast service can produce a lot of lines
  let out = '';
  const printer = new UpPrinter(
    (t) => {
      out += t;
    },
    cli.paint,
    [],
  );
  const show = (l: LogLineView) => {
    if (cli.json) out += `${JSON.stringify(l)}\n`;
    else printer.line(l);
  };
  const flush = async () => {
    if (!out) return;
    const ok = cli.out.write(out);
    out = '';
    // respect the reader of our stdout: wait when its pipe is full
    if (!ok) await new Promise((r) => cli.out.once('drain', r));
  };

  // subscribe before reading the backlog, so no line falls between the two
  const stream = opts.follow ? client.followLogs(filter) : null;
  if (stream) await stream.ready;
  const backlog = await client.logs.get({ ...filter, lines, ...(since === undefined ? {} : { since }) });
  const lastSeq = new Map<string, number>();
  for (const l of backlog.lines) {
    show(l);
    lastSeq.set(l.service, l.seq);
  }
  await flush();
  if (!stream) return 0;
  // stdout carries only lines; the note that the follow is live goes to stderr
  cli.err.write(`tend: following logs from ${client.socket}\n`);
  for await (const batch of stream) {
    if (batch.missed) cli.err.write(`tend: this reader fell behind; ${batch.missed} lines were not shown\n`);
    for (const l of batch.lines) if (l.seq > (lastSeq.get(l.service) ?? 0)) show(l);
    await flush();
  }
  return 0;
}
