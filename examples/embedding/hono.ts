/**
 * tend inside a Hono app: the services of tend.toml run under the app's process, and tend's
 * HTTP API answers under /tend beside the app's own routes (Hono's mount strips the prefix).
 *
 *   TEND_TOKEN=secret node examples/embedding/hono.ts
 *   curl -H 'authorization: Bearer secret' http://127.0.0.1:3000/tend/api/services
 */
import path from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { httpHandler, startTend } from 'tend-supervisor';

const tend = await startTend({
  config: path.join(import.meta.dirname, 'tend.toml'),
  home: process.env.TEND_HOME ?? path.join(import.meta.dirname, '.tend'),
});
const api = httpHandler(tend, { token: process.env.TEND_TOKEN ?? null });

const app = new Hono();
app.get('/', (c) => c.text('an app with tend inside: see /tend/api/services\n'));
app.mount('/tend', api.fetch);

const server = serve(
  { fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.env.PORT ?? 3000) },
  (info) => console.log(`listening on http://127.0.0.1:${info.port}`),
);
process.once('SIGTERM', () => {
  server.close();
  tend.shutdown(0);
});
process.exitCode = await tend.done;
