/**
 * The `tend` command's verbs and options (commander). Each verb's code is loaded only when
 * that verb runs, so a verb pays for what it uses and not for the kernel.
 */
import { Argument, Command, CommanderError, Option } from 'commander';
import { importFormats } from '../compat/import/importer.ts';
import { clientScriptRequest } from './client-script-request.ts';
import { type Cli, type GlobalOptions, makeCli, reportError } from './context.ts';
import { execOnExit, noteExitError, takeExecOnExit } from './exit-policy.ts';
import { version } from './version.ts';

type CliRun<A extends unknown[]> = (cli: Cli, ...args: A) => Promise<number>;

/** Wraps a lazily loaded command: global options in, exit status out, errors reported once. */
function action<A extends unknown[]>(load: () => Promise<{ run: CliRun<A> }>) {
  return async (...args: unknown[]) => {
    const command = args[args.length - 1] as Command;
    const cli = makeCli(command.optsWithGlobals<GlobalOptions>(), { sayWhich: command.name() !== 'tui' });
    try {
      const mod = await load();
      process.exitCode = await mod.run(cli, ...(args.slice(0, -1) as A));
    } catch (e) {
      noteExitError(e);
      process.exitCode = await reportError(cli, e);
    } finally {
      await cli.close();
    }
  };
}

/** Loads a command that runs TypeScript, after checking this Node can (node-support.ts). */
async function typeStripping<T>(what: string, load: () => Promise<T>): Promise<T> {
  const { assertTypeStripping } = await import('../core/node-support.ts');
  assertTypeStripping(what);
  return load();
}

const program = new Command('tend')
  .description(
    'A process supervisor: services, restarts, logs and a control socket, scriptable in TypeScript.',
  )
  .version(version, '-V, --version')
  .option('--socket <path>', 'the control socket to use (or TEND_SOCKET)')
  .option('--home <dir>', "tend's home: socket, state and logs (or TEND_HOME)")
  .option('--host <url>', 'drive a remote tend over HTTPS, e.g. https://box:8443 (or TEND_HOST)')
  .option('--token <token>', "the remote tend's bearer token (or TEND_TOKEN)")
  .option('--ca <file>', "a PEM certificate to trust for --host, such as tend's generated one (or TEND_CA)")
  .option('--insecure', 'accept any certificate from --host (a first look only; or TEND_INSECURE=1)')
  .option('--context <name>', 'a named remote from contexts.toml, or "local" (or TEND_CONTEXT)')
  .option('--json', 'print results as JSON')
  .option('--no-color', 'no colour, even on a terminal (or NO_COLOR)')
  .exitOverride();

program
  .command('up')
  .description('run the services of a config in the foreground, with their logs; Ctrl-C stops them')
  .argument('[config]', 'config file (default: the nearest tend.toml/.yaml/.json/.config.ts upwards)')
  .option('--only <names>', 'run only these services (comma-separated)')
  .option('--http <host:port>', 'serve the HTTP API and the web page there (token auth, no TLS)')
  .option('-d, --detach', 'run in the background for this folder ("tend down" stops it)')
  .action(action(() => import('./commands/up.ts')));

program
  .command('down')
  .description("stop the project's tend up (a tend up -d, or one in another terminal) and wait until it ends")
  .argument('[config]', 'config file (default: the nearest .tend/ or config upwards)')
  .action(action(() => import('./commands/down.ts')));

program
  .command('daemon')
  .description('run tend in the background role: the control socket, saved services, logs to files')
  .argument('[config]', 'config file with services to start')
  .option('-d, --detach', 'detach from the terminal and write a PID file')
  .option('--http <host:port>', 'serve the HTTP API there (token auth, no TLS); overrides [server.http]')
  .option('--exit-guard <code>', 'exit only on a shutdown request carrying this code (as tend init)')
  .action(action(() => import('./commands/daemon.ts')));

program
  .command('run')
  .description('run a script (.ts/.js/.mjs) as the supervision logic, with the tend/init API')
  .argument('[script]', 'the script file')
  .argument('[args...]', "the script's arguments (after -- when they look like tend's options)")
  .option('-e, --eval <code>', 'run this code instead of a file')
  .allowUnknownOption()
  .action(action(() => typeStripping('tend run', () => import('./commands/run.ts'))));

program
  .command('repl')
  .description('an interactive TypeScript prompt with the client-script API (service(), status()…) in scope')
  .action(action(() => typeStripping('tend repl', () => import('./commands/repl.ts'))));

program
  .command('init')
  .description(
    'the container entrypoint: PID 1 duties (reaping, signals, exit status) around a config or a script',
  )
  .argument(
    '[config]',
    'config file (default: the nearest tend.toml/.yaml/.json/.config.ts upwards), or a script to run as tend run does',
  )
  .argument('[args...]', "a script's arguments")
  .option('--grace <seconds>', 'on SIGTERM, how long services get before SIGKILL', '10')
  .option(
    '--exit-guard <code>',
    'exit only on a shutdown request carrying this code; fatal errors are logged',
  )
  .addHelpText(
    'after',
    '\n  --exec-on-exit CMD...  (last) on any exit, exec CMD with TEND_EXIT_CODE and TEND_ERROR set',
  )
  .action(action(() => import('./commands/init.ts')));

program
  .command('ls')
  .alias('list')
  .description('list services with state, pid, uptime, restarts, CPU and memory')
  .action(action(() => import('./commands/ls.ts')));

program
  .command('status')
  .description(
    'show one service (or each instance a name, base or glob selects) in detail; with no name, every service',
  )
  .argument('[name]')
  .action(action(() => import('./commands/status.ts')));

for (const [verb, summary] of [
  ['start', 'start services (names, bases, globs, or "all")'],
  ['stop', 'stop services (names, bases, globs, or "all": system-class services are spared)'],
  ['restart', 'restart services'],
] as const) {
  program
    .command(verb)
    .description(summary)
    .argument('<names...>')
    .option('--no-wait', 'return at once instead of waiting for the change')
    .option('--timeout <seconds>', 'how long to wait', '60')
    .action(action(async () => ({ run: (await import('./commands/lifecycle.ts')).verb(verb) })));
}

const job = program.command('job').description('Kubernetes-style jobs: run, ls, status, logs, rm');
job
  .command('run')
  .description('run a job of the config now; waits for it to finish (exit 1 if it Failed)')
  .argument('<name>')
  .option('--no-wait', 'return once the run has started')
  .option('--timeout <seconds>', 'how long to wait', '3600')
  .action(action(async () => ({ run: (await import('./commands/job.ts')).run })));
job
  .command('ls')
  .description('every job run with its phase and counts')
  .action(action(async () => ({ run: (await import('./commands/job.ts')).ls })));
job
  .command('status')
  .description("a job's runs (or a cron job's)")
  .argument('<name>')
  .action(action(async () => ({ run: (await import('./commands/job.ts')).status })));
job
  .command('logs')
  .description("a job's output")
  .argument('<name>')
  .option('-n, --lines <n>', 'the last N lines', '100')
  .action(action(async () => ({ run: (await import('./commands/job.ts')).logs })));
job
  .command('rm')
  .description("delete a job's runs, stopping their pods")
  .argument('<name>')
  .action(action(async () => ({ run: (await import('./commands/job.ts')).rm })));

const cron = program.command('cron').description('jobs on a schedule: ls, add, rm, suspend, resume, trigger');
cron
  .command('ls')
  .description('cron jobs with schedule, last and next run, counts')
  .action(action(async () => ({ run: (await import('./commands/cron.ts')).ls })));
cron
  .command('add')
  .description('add a cron job: tend cron add NAME --schedule "*/5 * * * *" -- CMD ARGS…')
  .argument('<name>')
  .argument('<command...>')
  .requiredOption('--schedule <cron>', 'cron expression, @hourly…, or "@every 30s"')
  .option('--time-zone <zone>', 'an IANA time zone')
  .option('--concurrency <policy>', 'Allow, Forbid or Replace')
  .option('--starting-deadline <seconds>', 'skip a run later than this')
  .action(action(async () => ({ run: (await import('./commands/cron.ts')).add })));
for (const [verb, summary] of [
  ['rm', 'forget a cron job (its runs stay until tend job rm)'],
  ['suspend', 'stop scheduling runs'],
  ['resume', 'schedule runs again'],
  ['trigger', 'run the job template now'],
] as const) {
  cron
    .command(verb)
    .description(summary)
    .argument('<name>')
    .action(
      action(async () => {
        const m = await import('./commands/cron.ts');
        return { run: verb === 'rm' ? m.rm : verb === 'trigger' ? m.trigger : m.suspend(verb === 'suspend') };
      }),
    );
}

program
  .command('scale')
  .description("change a service's number of instances live; only the difference starts or stops")
  .argument('<name>', 'the service (its base name)')
  .argument('<instances>', 'the new number of instances (1 to 1000)')
  .option('--no-wait', 'return at once instead of waiting for new instances to start')
  .option('--timeout <seconds>', 'how long to wait', '60')
  .allowUnknownOption()
  .action(action(() => import('./commands/scale.ts')));

const group = program.command('group').description("the config's [groups.NAME]: ls, start, stop, restart");
group
  .command('ls')
  .description('groups with their members and how many instances run')
  .action(action(async () => ({ run: (await import('./commands/group.ts')).ls })));
for (const verb of ['start', 'stop', 'restart'] as const) {
  group
    .command(verb)
    .description(`${verb} every service of a group`)
    .argument('<name>')
    .option('--no-wait', 'return at once instead of waiting for the change')
    .option('--timeout <seconds>', 'how long to wait', '60')
    .action(action(async () => ({ run: (await import('./commands/group.ts')).verb(verb) })));
}

program
  .command('logs')
  .description('show buffered output of services merged by time; -f follows new lines')
  .argument('[names...]')
  .option('-f, --follow', 'keep printing new lines')
  .option('-n, --lines <n>', 'how many buffered lines to show first (default 100, or 10 with -f)')
  .option('--since <duration>', 'only lines newer than this, e.g. 10m')
  .addOption(new Option('--stream <stream>', 'only one stream').choices(['stdout', 'stderr']))
  .option('--grep <regex>', 'only lines matching this regular expression')
  .action(action(() => import('./commands/logs.ts')));

program
  .command('why')
  .description('explain the state of a service: one line per dependency and what it waits for')
  .argument('<name>')
  .action(action(() => import('./commands/why.ts')));

program
  .command('tree')
  .description('draw the dependency graph with states')
  .argument('[name]')
  .action(action(() => import('./commands/tree.ts')));

program
  .command('kill')
  .description('send a signal to the process group of services')
  .argument('<name>')
  .argument('[signal]', 'signal name or number', 'SIGTERM')
  .action(action(() => import('./commands/kill.ts')));

program
  .command('add')
  .description('add a service (add NAME -- CMD ARGS…) or services from a file (add -f FILE)')
  .argument('[name]')
  .argument('[command...]', 'the command and its arguments, after --')
  .option('-f, --file <file>', 'a TOML, YAML or JSON file of [services.NAME] tables')
  .option('--cwd <dir>', 'working directory')
  .option('-e, --env <KEY=VALUE...>', 'environment variables')
  .option('-i, --instances <n>', 'number of instances')
  .addOption(
    new Option('-r, --restart <policy>', 'restart policy').choices(['always', 'on-failure', 'never']),
  )
  .option('--restart-delay <duration>', 'delay before a restart, e.g. 500ms, 2s')
  .option('--max-restarts <n>', 'give up after this many restarts within restart_window')
  .option('--stop-signal <signal>', 'signal that asks the service to stop')
  .option('--stop-timeout <duration>', 'time between the stop signal and SIGKILL')
  .addOption(new Option('--class <class>', 'service class').choices(['user', 'system']))
  .option('--critical', 'tend up exits non-zero when this service fails')
  .option('--user <user>', 'run as this user (tend must run as root)')
  .option('--no-start', 'add without starting')
  .option('--no-wait', 'return at once instead of waiting to see it run (or crash)')
  .option('--timeout <seconds>', 'how long to wait for it to be ready', '60')
  .action(action(() => import('./commands/add.ts')));

program
  .command('rm')
  .alias('remove')
  .description('stop services and forget them')
  .argument('<names...>')
  .action(action(() => import('./commands/rm.ts')));

program
  .command('stats')
  .description('PIDs, CPU %, memory of the whole process group, uptime and restarts, read now')
  .argument('[names...]')
  .action(action(() => import('./commands/stats.ts')));

program
  .command('events')
  .description('print events (state changes with reasons, spawns, exits) as they happen, one per line')
  .option('--service <names...>', 'only these services')
  .addOption(new Option('--format <format>', 'output format').choices(['json', 'tsv']).default('json'))
  .action(action(() => import('./commands/events.ts')));

program
  .command('tui')
  .description('a full-screen terminal UI: live services and logs, keys to start, stop, restart, kill, scale')
  .action(action(() => import('./commands/tui.ts')));

program
  .command('ping')
  .description('check that tend answers, and where')
  .action(action(() => import('./commands/ping.ts')));

program
  .command('shutdown')
  .description('stop every service and exit tend')
  .option('--guard <code>', 'the code of a tend started with --exit-guard')
  .action(action(() => import('./commands/shutdown.ts')));

program
  .command('reload')
  .description('re-read the config and apply what changed (an invalid config changes nothing)')
  .action(action(() => import('./commands/reload.ts')));

const token = program
  .command('token')
  .description("show the HTTP API's admin token of this machine's tend; --rotate replaces it; add, ls, rm")
  .option('--rotate', 'write a new token; the old one stops working at once')
  .action(action(() => import('./commands/token.ts')));
token
  .command('add')
  .description('make a named token with a scope: read (lists, logs, events), control (+ start/stop), admin')
  .argument('<name>')
  .requiredOption('--scope <scope>', 'read, control or admin')
  .action(action(async () => ({ run: (await import('./commands/token.ts')).add })));
token
  .command('ls')
  .description('list the tokens: name, scope, when made (never the tokens)')
  .action(action(async () => ({ run: (await import('./commands/token.ts')).ls })));
token
  .command('rm')
  .description('revoke a named token: it is refused (401) from the next request on')
  .argument('<name>')
  .action(action(async () => ({ run: (await import('./commands/token.ts')).rm })));

program
  .command('history')
  .description('what happened: state changes and why, exits with code and run time, who did what')
  .argument('[names...]', 'services (names or bases); all when absent')
  .option('--since <when>', 'from a duration ago ("1d", "2h", "90m")')
  .option('--until <when>', 'up to a duration ago')
  .option('--kind <kinds>', 'only these kinds: state, exit, action, added, removed, log-error, job, illegal')
  .option('--limit <n>', 'at most this many entries (default 100)')
  .action(action(() => import('./commands/history.ts')));

const context = program
  .command('context')
  .description('named remote tends (contexts.toml), used as --host is: ls, use, add, rm');
context
  .command('ls')
  .description('list contexts; * marks the current one')
  .action(action(async () => ({ run: (await import('./commands/context.ts')).ls })));
context
  .command('use')
  .description('make a context current ("local": this machine)')
  .argument('<name>')
  .action(action(async () => ({ run: (await import('./commands/context.ts')).use })));
context
  .command('add')
  .description(
    'save a context: tend context add NAME --host URL [--token T | --token-file F] [--ca F] [--insecure]',
  )
  .argument('<name>')
  .option('--token-file <file>', 'read the token from this file at each use')
  .action(action(async () => ({ run: (await import('./commands/context.ts')).add })));
context
  .command('rm')
  .description('forget a context')
  .argument('<name>')
  .action(action(async () => ({ run: (await import('./commands/context.ts')).rm })));

// named handles and on-demand proxies (docs/fds.md)
const fd = program.command('fd').description('named handles tend holds for services: ls, add, rm, send');
fd.command('ls')
  .description('every handle, what it is and the services that use it')
  .action(action(async () => ({ run: (await import('./commands/fd.ts')).ls })));
fd.command('add')
  .description('open a handle: NAME pipe | null | file PATH | socket tcp://HOST:PORT|udp://…|unix:///PATH')
  .argument('<name>')
  .argument('<type>', 'pipe, file, socket or null')
  .argument('[target]', 'the path (file) or address (socket)')
  .option('--mode <mode>', 'file: read, write, append, create, truncate (comma-separated); unix socket: 0660')
  .option('--owner <user[:group]>', "a unix socket's owner")
  .option('--backlog <n>', "a socket's listen queue (4096)")
  .action(action(async () => ({ run: (await import('./commands/fd.ts')).add })));
fd.command('rm')
  .description(
    'close handles (a pipe by its declared name closes both ends); refused while a service names one',
  )
  .argument('<names...>')
  .action(action(async () => ({ run: (await import('./commands/fd.ts')).rm })));
fd.command('send')
  .description('from a controller: hand tend one of its fds as handle NAME (fd.take over the control socket)')
  .argument('<name>')
  .argument('<fd>')
  .option('--via <fd>', 'the control socket (default: $TEND_CONTROL_FD)')
  .action(action(async () => ({ run: (await import('./commands/fd.ts')).send })));
program
  .command('proxy')
  .description('on-demand services: proxy ls [NAME]')
  .command('ls')
  .argument('[name]')
  .action(action(async () => ({ run: (await import('./commands/proxy.ts')).ls })));

program
  .command('version')
  .description("this CLI's version beside the running tend's; warns when they differ (after an upgrade)")
  .action(action(() => import('./commands/version.ts')));

program
  .command('completion')
  .description(
    'print the shell completion script (verbs, flags, service names): eval "$(tend completion bash)"',
  )
  .addArgument(new Argument('<shell>', 'the shell').choices(['bash', 'zsh', 'fish']))
  .action(action(async () => ({ run: (await import('./commands/completion.ts')).script })));
program
  .command('__complete', { hidden: true })
  .argument('[words...]')
  .action(action(async () => ({ run: (await import('./commands/completion.ts')).candidates })));

const system = program.command('system').description('tend itself');
system
  .command('restart')
  .description('hot restart: tend re-executes itself in place; services keep running, no log line is lost')
  .action(action(() => import('./commands/system-restart.ts')));

// moving between supervisors: import another's config, export to an orchestrator, install tend as a systemd service
program
  .command('import')
  .description(
    'turn a PM2, Procfile, process-compose, supervisord, provisr or zinit config into a tend config',
  )
  .argument('<files...>', 'the files to import (their format is detected from the name and content)')
  .addOption(new Option('--from <format>', 'the format, when it cannot be detected').choices(importFormats))
  .option('-o, --output <file>', 'where to write the tend config ("-": stdout)', undefined)
  .addOption(
    new Option('--format <format>', 'the output format (default: from the output name)').choices([
      'toml',
      'yaml',
      'json',
      'ts',
    ]),
  )
  .option('--env <name>', "PM2: merge the apps' env_NAME over env")
  .option('--force', 'replace the output file if it exists')
  .action(action(() => import('./commands/import.ts')));

program
  .command('export')
  .description('write the config as Kubernetes objects, systemd units or a compose.yaml')
  .addArgument(new Argument('<target>', 'what to write').choices(['k8s', 'systemd', 'compose']))
  .argument('[config]', 'config file (default: the nearest tend.toml/.yaml/.json/.config.ts upwards)')
  .option('--image <image>', 'the container image for k8s and compose (default: PROJECT:latest)')
  .option('-o, --output <dir>', 'write the files into this folder instead of printing them')
  .action(action(() => import('./commands/export.ts')));

program
  .command('startup')
  .description(
    "install tend as a systemd service (the system's as root, else the user's), enabled and started",
  )
  .argument('[config]', 'a config for the daemon to start with')
  .option('--user', "the user's systemd (systemctl --user)")
  .option('--system', "the system's systemd (needs root)")
  .option('--print', 'print the unit instead of installing it')
  .option('--name <name>', 'the unit name', 'tend')
  .action(action(async () => ({ run: (await import('./commands/startup.ts')).startup })));
program
  .command('unstartup')
  .description('stop, disable and remove the unit "tend startup" installed')
  .option('--user', "the user's systemd")
  .option('--system', "the system's systemd")
  .option('--name <name>', 'the unit name', 'tend')
  .action(action(async () => ({ run: (await import('./commands/startup.ts')).unstartup })));

const config = program.command('config').description('check a config or print its JSON Schema');
config
  .command('check')
  .description('validate a config file; exit 0 when valid, 1 with every error otherwise')
  .argument('[file]')
  .action(action(async () => ({ run: (await import('./commands/config.ts')).check })));
config
  .command('schema')
  .description('print the JSON Schema of the config')
  .action(action(async () => ({ run: (await import('./commands/config.ts')).schema })));

/** Usage errors in tend's own style, `tend: …` then a hint naming the command's help. */
function usageStyle(cmd: Command, path: string): void {
  cmd.configureOutput({ outputError: (text, write) => write(text.replace(/^error: /, 'tend: ')) });
  cmd.showHelpAfterError(`hint: run "${path} --help" for usage`);
  for (const sub of cmd.commands) usageStyle(sub, `${path} ${sub.name()}`);
}
usageStyle(program, 'tend');

/** The command tree: docs/cli.md and `tend completion` are generated from it. */
export { program };

/** Runs the tend command on `rawArgv` (process.argv); main.ts calls it, the docs only import the tree. */
export async function main(rawArgv: string[]): Promise<void> {
  // everything after --exec-on-exit is its command, never tend's options
  const { argv, command: exitCommand } = takeExecOnExit(rawArgv);
  // `tend` alone on a terminal opens the TUI when a tend answers; otherwise the help, as before
  if (argv.length === 2 && process.stdin.isTTY && process.stdout.isTTY) {
    if (await (await import('./commands/tui.ts')).reachable()) argv.push('tui');
  }
  if (exitCommand?.length === 0) {
    process.stderr.write(
      'tend: --exec-on-exit needs a command after it\nhint: put it last, followed by the command: tend init --exec-on-exit sh\n',
    );
    process.exitCode = 2;
  } else {
    if (exitCommand) execOnExit(exitCommand);
    const script = clientScriptRequest(argv);
    if (script) {
      typeStripping(`tend ${argv[2] ?? ''}`, () => import('./client-script-mode.ts'))
        .then((m) => m.runClientScriptMode(script))
        .then(
          (code) => {
            process.exitCode = code;
          },
          async (e: unknown) => {
            process.exitCode = await reportError(makeCli({}), e);
          },
        );
    } else
      program.parseAsync(argv).catch(async (e: unknown) => {
        noteExitError(e);
        if (e instanceof CommanderError) {
          // help and --version are not errors; anything else commander rejects is bad usage
          process.exitCode = e.exitCode === 0 ? 0 : 2;
          return;
        }
        process.exitCode = await reportError(makeCli({}), e);
      });
  }
}
