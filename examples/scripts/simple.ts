/**
 * Two children started at once; the script waits for both and reports how each ended
 * (luavisors' simple.lua). Run: tend run examples/scripts/simple.ts
 */
import { exec } from 'tend/init';

const first = exec('sh', '-c', 'sleep 0.3; echo first done');
const second = exec('sh', '-c', 'sleep 0.1; echo second done');
console.log(`started ${first.pid()} and ${second.pid()}`);

const [a, b] = await Promise.all([first.exited, second.exited]);
console.log(first.stdout().trim(), JSON.stringify(a));
console.log(second.stdout().trim(), JSON.stringify(b));
