/**
 * `tend context ls | use NAME | add NAME --host URL … | rm NAME`: named remote tends in
 * contexts.toml, as kubectl's contexts. `use local` goes back to this machine.
 */
import path from 'node:path';
import { assertContextName, type Context, readContexts, writeContexts } from '../../client/contexts.ts';
import { contextsPath, localContext } from '../../client/remote-choice.ts';
import { TendError } from '../../core/errors.ts';
import type { Cli } from '../context.ts';
import { renderTable } from '../output/table.ts';

export async function ls(cli: Cli): Promise<number> {
  const file = contextsPath();
  const { current, contexts } = readContexts(file);
  const active = current ?? localContext;
  if (cli.json) {
    cli.printJson({ file, current: active, contexts });
    return 0;
  }
  const rows = [
    [active === localContext ? '*' : '', localContext, "this machine's socket", ''],
    ...Object.entries(contexts).map(([name, c]) => [
      name === active ? '*' : '',
      name,
      c.host,
      c.token || c.token_file ? 'token' : 'no token',
    ]),
  ];
  cli.print(renderTable(['', 'NAME', 'HOST', 'AUTH'], rows));
  return 0;
}

export async function use(cli: Cli, name: string): Promise<number> {
  const file = contextsPath();
  const contents = readContexts(file);
  if (name !== localContext && !contents.contexts[name]) {
    throw new TendError('TEND_USAGE', { message: `no context ${JSON.stringify(name)} in ${file}` });
  }
  const { current: _old, ...rest } = contents;
  writeContexts(file, name === localContext ? rest : { ...rest, current: name });
  if (!cli.json) cli.print(`now using ${name === localContext ? "this machine's tend" : name}`);
  return 0;
}

/** `--host`, `--token`, `--ca` and `--insecure` are the global options, read as given here. */
export async function add(cli: Cli, name: string, opts: { tokenFile?: string }): Promise<number> {
  assertContextName(name);
  if (name === localContext) throw new TendError('TEND_USAGE', { message: `"${localContext}" is reserved` });
  const { host, token, ca, insecure } = cli.options;
  if (!host)
    throw new TendError('TEND_USAGE', { message: 'give the remote tend with --host https://HOST:PORT' });
  try {
    new URL(host);
  } catch {
    throw new TendError('TEND_USAGE', { message: `--host: ${JSON.stringify(host)} is not a URL` });
  }
  const file = contextsPath();
  const contents = readContexts(file);
  const entry: Context = {
    host,
    ...(token ? { token } : {}),
    ...(opts.tokenFile ? { token_file: path.resolve(opts.tokenFile) } : {}),
    ...(ca ? { ca: path.resolve(ca) } : {}),
    ...(insecure ? { insecure: true } : {}),
  };
  writeContexts(file, { ...contents, contexts: { ...contents.contexts, [name]: entry } });
  if (!cli.json) cli.print(`context ${name} saved in ${file}; "tend context use ${name}" makes it current`);
  return 0;
}

export async function rm(cli: Cli, name: string): Promise<number> {
  const file = contextsPath();
  const contents = readContexts(file);
  if (!contents.contexts[name])
    throw new TendError('TEND_USAGE', { message: `no context ${JSON.stringify(name)}` });
  const { [name]: _gone, ...contexts } = contents.contexts;
  const current = contents.current === name ? undefined : contents.current;
  writeContexts(file, { contexts, ...(current ? { current } : {}) });
  if (!cli.json) cli.print(`context ${name} removed`);
  return 0;
}
