/**
 * `node bench/http-embed.ts [--seconds S] [--connections C]`: requests per second of
 * GET /api/services (10 services) through the ways tend's HTTP API can be served: its own
 * node:http listener, mounted in Express, mounted in Hono through the fetch handler, and a
 * route written on Hono itself (what rebuilding the router on Hono would cost). A separate
 * process sends the load over keep-alive connections, so the server has its core to itself.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { getRequestListener } from '@hono/node-server';
import express from 'express';
import { Hono } from 'hono';
import { startTend } from '../src/daemon/embed.ts';
import { httpHandler } from '../src/http/handler.ts';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '5' }, connections: { type: 'string', default: '16' } },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);

const dir = mkdtempSync(path.join(tmpdir(), 'tend-bench-http-'));
const services = Array.from({ length: 10 }, (_, i) => `[services.s${i}]\nargs = ["sleep", "1000"]\n`);
writeFileSync(path.join(dir, 'tend.toml'), services.join('\n'));
const tend = await startTend({ config: path.join(dir, 'tend.toml'), home: path.join(dir, 'home') });
const api = httpHandler(tend, { token: null });

const viaExpress = express();
viaExpress.use('/tend', api.listener);
const viaHono = new Hono();
viaHono.mount('/tend', api.fetch);
const honoNative = new Hono();
honoNative.get('/tend/api/services', async (c) => {
  const answer = await tend.dispatcher.callOnce('service.list');
  return 'error' in answer ? c.json(answer.error, 500) : c.json(answer.result);
});

const servers: [string, http.RequestListener][] = [
  ["tend's node:http listener", api.listener],
  ['Express, app.use(listener)', viaExpress],
  ['Hono, app.mount(fetch handler)', getRequestListener(viaHono.fetch)],
  ['a route written on Hono', getRequestListener(honoNative.fetch)],
];

/** The load, in a child process: `connections` loops of keep-alive GETs for `seconds`. */
const loadScript = `
const http = require('node:http');
const [url, seconds, connections] = [process.argv[1], Number(process.argv[2]), Number(process.argv[3])];
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
let done = 0;
const end = Date.now() + seconds * 1000;
const one = () => new Promise((resolve, reject) => {
  http.get(url, { agent }, (res) => { res.resume(); res.on('end', resolve); }).on('error', reject);
});
async function loop() { while (Date.now() < end) { await one(); done++; } }
Promise.all(Array.from({ length: connections }, loop)).then(() => { console.log(done / seconds); agent.destroy(); });
`;

function load(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', loadScript, url, String(seconds), String(connections)]);
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('close', () => resolve(Number(out.trim())));
  });
}

const rows: string[] = [];
for (const [name, listener] of servers) {
  const server = http.createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/tend/api/services`;
  const path0 = name.startsWith("tend's") ? url.replace('/tend', '') : url;
  await load(path0); // warm-up: JIT and connections
  const rate = await load(path0);
  rows.push(`| ${name} | ${Math.round(rate)} |`);
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}
console.log(`GET /api/services, 10 services, ${connections} keep-alive connections, ${seconds} s\n`);
console.log('| served by | requests/s |\n| --- | --- |');
console.log(rows.join('\n'));
tend.shutdown(0);
await tend.done;
rmSync(dir, { recursive: true, force: true });
