/**
 * "Now", once a second while the page is visible: uptimes and "next run in…" count on it.
 * Only the cells that show a time listen, and only changed text touches the DOM.
 */
import { Observable } from './observable.ts';

export const now = new Observable(Date.now());
let timer = 0;

function tick(): void {
  now.set(Date.now());
}

function follow(): void {
  clearInterval(timer);
  if (document.visibilityState === 'visible') {
    tick();
    timer = setInterval(tick, 1000);
  }
}

document.addEventListener('visibilitychange', follow);
follow();
