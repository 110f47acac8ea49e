/**
 * The client-script helpers as imports (`import { service, status } from 'tend'` in a script
 * tend runs, `from 'tend-supervisor'` anywhere), typed, beside the globals client scripts get.
 * They use the client tend connected for the script, or connect on first use.
 */
import { type Client, connect } from '../client/client.ts';
import { checkHttp, checkTcp } from './client-scripts.ts';
import { ServiceBuilder } from './service-builder.ts';

export { checkHttp, checkTcp };

const wait = 30_000;
// on globalThis: the CLI's bundle and the package's entry are two copies of this module
const key = Symbol.for('tend.client');

/** Makes `client` the one the helpers use (tend does this for the scripts it runs). */
export function useClient(client: Client): void {
  (globalThis as { [key]?: Promise<Client> })[key] = Promise.resolve(client);
}

/** The helpers' client: the one given to useClient, else one connection made on first use. */
export function currentClient(): Promise<Client> {
  const g = globalThis as { [key]?: Promise<Client> };
  g[key] ??= connect();
  return g[key];
}

/** A service described step by step, then `register()`ed and `wait()`ed for. */
export function service(name: string): ServiceBuilder {
  return new ServiceBuilder(currentClient, name);
}
export const list = async () => (await currentClient()).service.list();
export const status = async (name: string) => (await currentClient()).service.status({ name });
export const start = async (...names: string[]) => (await currentClient()).service.start({ names, wait });
export const stop = async (...names: string[]) => (await currentClient()).service.stop({ names, wait });
export const restart = async (...names: string[]) => (await currentClient()).service.restart({ names, wait });
export const remove = async (...names: string[]) => (await currentClient()).service.remove({ names, wait });
