/**
 * A main process, and an updater scheduled every few seconds that stops it, runs an update
 * and starts it again (luavisors' advanced.lua). Run:
 *   tend run examples/scripts/advanced.ts [updates] [seconds between updates]
 */
import { args, type Child, every, exec } from 'tend/init';

const updates = Number(args[0] ?? 2);
const interval = Number(args[1] ?? 5);

function startMain(): Child {
  const main = exec('sh', '-c', 'while :; do sleep 0.1; done');
  console.log(`main started: pid ${main.pid()}`);
  return main;
}

let main = startMain();
let done = 0;
let updating = false;

const schedule = every(interval, async () => {
  if (updating) return;
  updating = true;
  console.log('update: stopping main');
  main.kill('SIGTERM');
  await main.exited;
  const update = exec('sh', '-c', 'echo applying update');
  await update.exited;
  console.log(`update: ${update.stdout().trim()} (${JSON.stringify(update.status())})`);
  main = startMain();
  updating = false;
  if (++done === updates) {
    schedule.cancel();
    main.kill('SIGTERM');
    await main.exited;
    console.log(`finished after ${done} updates`);
  }
});
