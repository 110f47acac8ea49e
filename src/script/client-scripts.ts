/**
 * Client scripts, zinit's Rhai scripts in TypeScript: `tend SCRIPT.ts`, `tend DIR/` (every
 * script in it, in name order), `tend -c CODE` and `tend -i` (code on stdin). A script gets a
 * connected client and the helpers below as globals, with no boilerplate:
 *
 *   const web = await service('web').exec('node server.js').testTcp('127.0.0.1:3000').register();
 *   await web.wait(10);
 *   console.log(await status('web'));
 */
import { existsSync } from 'node:fs';
import net from 'node:net';
import { pathToFileURL } from 'node:url';
import type { Client } from '../client/client.ts';
import { importFile } from '../native/single-executable.ts';
import { resolveTendToItself } from './runner.ts';
import { ServiceBuilder } from './service-builder.ts';

const wait = 30_000;

/** What a client script finds in its global scope. */
export function clientGlobals(client: Client) {
  return {
    /** The connected client: every protocol method as tend.AREA.VERB(params). */
    tend: client,
    service: (name: string) => new ServiceBuilder(client, name),
    list: () => client.service.list(),
    status: (name: string) => client.service.status({ name }),
    start: (...names: string[]) => client.service.start({ names, wait }),
    stop: (...names: string[]) => client.service.stop({ names, wait }),
    restart: (...names: string[]) => client.service.restart({ names, wait }),
    remove: (...names: string[]) => client.service.remove({ names, wait }),
    sleep: (seconds: number) => new Promise<void>((resolve) => setTimeout(resolve, seconds * 1000)),
    checkTcp,
    checkHttp,
    getEnv: (name: string) => process.env[name],
    fileExists: (file: string) => existsSync(file),
  };
}

/** Whether host:port accepts a connection within `seconds`. */
export function checkTcp(address: string, seconds = 2): Promise<boolean> {
  const at = address.lastIndexOf(':');
  const host = address.slice(0, at).replace(/^\[|\]$/g, '') || '127.0.0.1';
  const port = Number(address.slice(at + 1));
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(seconds * 1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Whether the URL answers with a status below 400 within `seconds`. */
export async function checkHttp(url: string, seconds = 5): Promise<boolean> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(seconds * 1000), redirect: 'manual' });
    await res.body?.cancel();
    return res.status < 400;
  } catch {
    return false;
  }
}

/** Runs the scripts one after the other, in order; the first that throws stops the rest. */
export async function runClientScripts(files: readonly string[], client: Client): Promise<void> {
  Object.assign(globalThis, clientGlobals(client));
  (await import('./client-api.ts')).useClient(client);
  resolveTendToItself();
  for (const file of files) await importFile(pathToFileURL(file).href);
}
