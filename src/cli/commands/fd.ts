/**
 * `tend fd ls | add | rm | send`: the named handles tend holds (docs/fds.md). `send` is for a
 * shell controller: it hands one of its fds to tend over the control socket, as daemonproxy's
 * fd.take (a shell cannot pass a descriptor with SCM_RIGHTS itself).
 */
import { TendError } from '../../core/errors.ts';
import { sendWithFds } from '../../native/fd-passing.ts';
import type { Cli } from '../context.ts';
import { renderTable } from '../output/table.ts';

export async function ls(cli: Cli): Promise<number> {
  const client = await cli.client();
  const handles = await client.fd.list();
  if (cli.json) cli.printJson(handles);
  else if (!handles.length) cli.print('no handles');
  else {
    const rows = handles.map((h) => [
      h.name,
      h.kind,
      h.detail,
      `${h.readable ? 'r' : '-'}${h.writable ? 'w' : '-'}`,
      String(h.fd),
      h.users.map((u) => `${u.service}@${u.fd}${pids(u.instances)}`).join(', ') || '-',
    ]);
    cli.print(renderTable(['NAME', 'KIND', 'WHAT', 'MODE', 'FD', 'USERS'], rows));
  }
  return 0;
}

function pids(instances: readonly { pid: number | null }[]): string {
  const live = instances.flatMap((i) => (i.pid === null ? [] : [String(i.pid)]));
  return live.length ? ` (pid ${live.join(' ')})` : '';
}

export interface AddOptions {
  readonly mode?: string;
  readonly owner?: string;
  readonly backlog?: string;
}

/** `tend fd add NAME pipe|null`, `… file PATH [--mode read,write…]`, `… socket ADDRESS [--mode 0660 --owner U:G]`. */
export async function add(
  cli: Cli,
  name: string,
  type: string,
  arg: string | undefined,
  opts: AddOptions,
): Promise<number> {
  const handle: Record<string, unknown> = { type };
  if (type === 'file') handle.path = arg;
  else if (type === 'socket') handle.listen = arg;
  else if (arg !== undefined)
    throw new TendError('TEND_USAGE', { message: `a ${type} handle takes no argument` });
  if (opts.mode !== undefined)
    handle.mode = type === 'file' && opts.mode.includes(',') ? opts.mode.split(',') : opts.mode;
  if (opts.owner !== undefined) handle.owner = opts.owner;
  if (opts.backlog !== undefined) handle.backlog = Number(opts.backlog);
  const client = await cli.client();
  const opened = await client.fd.add({ name, handle });
  if (cli.json) cli.printJson(opened);
  else for (const h of opened) cli.print(`${h.name} ${h.kind} ${h.detail}`);
  return 0;
}

export async function rm(cli: Cli, names: string[]): Promise<number> {
  const client = await cli.client();
  const removed: string[] = [];
  for (const name of names) removed.push(...(await client.fd.remove({ name })).removed);
  if (cli.json) cli.printJson({ removed });
  else cli.print(`removed ${removed.join(', ')}`);
  return 0;
}

/** Sends `fd.take NAME` with FD attached over the control socket (TEND_CONTROL_FD or --via). */
export async function send(cli: Cli, name: string, fd: string, opts: { via?: string }): Promise<number> {
  const via = Number(opts.via ?? process.env.TEND_CONTROL_FD);
  const given = Number(fd);
  if (!Number.isInteger(via) || via < 0)
    throw new TendError('TEND_USAGE', {
      message: 'no control socket: pass --via FD or run under a controller with TEND_CONTROL_FD',
    });
  if (!Number.isInteger(given) || given < 0)
    throw new TendError('TEND_USAGE', { message: `not an fd: ${JSON.stringify(fd)}` });
  const sent = sendWithFds(via, Buffer.from(`fd.take ${name}\n`), [given]);
  if (typeof sent !== 'number')
    throw new TendError('TEND_FD_TAKE_FAILED', {
      name,
      why: `could not send over fd ${via} (errno ${-sent.errno})`,
    });
  if (cli.json) cli.printJson({ sent: name });
  return 0;
}
