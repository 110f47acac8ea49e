/**
 * tend inside an Express app: the services of tend.toml run under the app's process, and
 * tend's HTTP API answers under /tend beside the app's own routes (app.use strips the prefix).
 *
 *   TEND_TOKEN=secret node examples/embedding/express.ts
 *   curl -H 'authorization: Bearer secret' http://127.0.0.1:3000/tend/api/services
 */
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import express from 'express';
import { httpHandler, startTend } from 'tend-supervisor';

const tend = await startTend({
  config: path.join(import.meta.dirname, 'tend.toml'),
  home: process.env.TEND_HOME ?? path.join(import.meta.dirname, '.tend'),
});
const api = httpHandler(tend, { token: process.env.TEND_TOKEN ?? null });

const app = express();
app.get('/', (_req, res) => {
  res.type('text').send('an app with tend inside: see /tend/api/services\n');
});
app.use('/tend', api.listener);

const server = app.listen(Number(process.env.PORT ?? 3000), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${(server.address() as AddressInfo).port}`);
});
process.once('SIGTERM', () => {
  server.close();
  tend.shutdown(0);
});
process.exitCode = await tend.done;
