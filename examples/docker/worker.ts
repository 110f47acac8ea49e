/**
 * A service of the binary image: a TypeScript script run by the tend binary (no Node in the
 * image), printing a line every few seconds until it is asked to stop.
 */
import { every } from 'tend/init';

let n = 0;
const ticker = every(5, () => console.log(`worker: tick ${++n}`));
process.once('SIGTERM', () => {
  ticker.cancel();
  console.log('worker: stopping');
});
