/**
 * A tend controller in TypeScript (controller = "json"): restarts a service every time a file
 * appears in a folder, then removes the file. Commands go out as JSON-RPC requests on stdout;
 * tend's answers and its events come back as JSON lines on stdin.
 *   [services.reloader]
 *   args = ["node", "examples/controllers/restart-on-file.ts", "/run/triggers", "web"]
 *   controller = "json"
 */
import { existsSync, rmSync, watch } from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline';

const [folder = '.', service = 'web'] = process.argv.slice(2);
let id = 0;

watch(folder, (_event, name) => {
  const file = name ? path.join(folder, name.toString()) : null;
  if (!file || !existsSync(file)) return;
  rmSync(file, { force: true });
  const request = { jsonrpc: '2.0', id: ++id, method: 'service.restart', params: { names: [service] } };
  process.stdout.write(`${JSON.stringify(request)}\n`);
});

// answers and events: report the answers on stderr (it goes to this controller's log)
for await (const line of createInterface({ input: process.stdin })) {
  const message = JSON.parse(line) as { id?: number; error?: { message: string } };
  if (message.id !== undefined) {
    console.error(message.error ? `restart failed: ${message.error.message}` : `restarted ${service}`);
  }
}
