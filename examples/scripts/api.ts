/**
 * Every function of the tend/init API once (luavisors' api.lua).
 * Run: tend run examples/scripts/api.ts [ticks]
 */
import { args, every, exec, kill, pid, signal, sleep } from 'tend/init';

console.log(`supervisor pid: ${pid()}`);
console.log(`SIGTERM is signal ${signal.SIGTERM}`);

// a child, its output and its status
const hello = exec('echo', 'hello from a child');
console.log(`child pid: ${hello.pid()}, running: ${hello.status().running}`);
await hello.exited;
console.log(`child said: ${hello.stdout().trim()}`);
console.log(`child status: ${JSON.stringify(hello.status())}`);

// stderr is kept apart
const complaint = exec('sh', '-c', 'echo oops >&2; exit 3');
await complaint.exited;
console.log(`stderr: ${complaint.stderr().trim()}, status: ${JSON.stringify(complaint.status())}`);

// every(): a tick each 0.1 s, cancelled after a few
const ticks = Number(args[0] ?? 3);
let n = 0;
await new Promise<void>((done) => {
  const timer = every(
    0.1,
    (label: string) => {
      console.log(`${label} ${++n}`);
      if (n === ticks) {
        timer.cancel();
        done();
      }
    },
    'tick',
  );
});

// sleep(), then kill() a long-running child by signal
const sleeper = exec('sleep', '60');
await sleep(0.1);
kill(sleeper.pid(), signal.SIGTERM);
console.log(`sleeper ended: ${JSON.stringify(await sleeper.exited)}`);
