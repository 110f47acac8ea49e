/**
 * Views by the URL's fragment (#/services, #/service/web…): bookmarkable, with the back
 * button, and never sent to tend, so nothing of it lands in a log.
 */
import { Observable } from './observable.ts';

export type Route =
  | { readonly view: 'services' }
  | { readonly view: 'service'; readonly name: string }
  | { readonly view: 'jobs' }
  | { readonly view: 'graph' }
  | { readonly view: 'events' };

export function parseRoute(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/');
  const [view, arg] = parts;
  if (view === 'service' && arg) return { view: 'service', name: decodeURIComponent(arg) };
  if (view === 'jobs' || view === 'graph' || view === 'events') return { view };
  return { view: 'services' };
}

export const route = new Observable<Route>(parseRoute(location.hash));
addEventListener('hashchange', () => route.set(parseRoute(location.hash)));

export function serviceHref(name: string): string {
  return `#/service/${encodeURIComponent(name)}`;
}
