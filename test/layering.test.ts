/**
 * The architecture as a test, over the import graph of src/ (static and dynamic imports, tests
 * left out): dependencies point inward, cli | http | script → client | daemon → protocol |
 * config → core → process | logs → native. In particular the kernel never imports an
 * interface, and process and native never import the kernel.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { root } from './cli.ts';

/** Each folder's layer; a file may import from lower layers and its own folder. */
const layer: Record<string, number> = {
  native: 0,
  process: 1,
  logs: 1,
  core: 2,
  protocol: 3,
  config: 3,
  daemon: 4,
  client: 4,
  script: 5,
  http: 5,
  cli: 6,
};

/** Imports across one layer that are part of the design, each with its reason. */
const allowed = new Map([
  // the SDK finds the daemon's socket where the daemon puts it
  ['client → daemon/home.ts', true],
]);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const p = path.join(dir, entry);
    if (statSync(p).isDirectory()) return sources(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

test('dependencies point inward: no folder imports from its own layer or one above', () => {
  const src = path.join(root, 'src');
  const wrong: string[] = [];
  for (const file of sources(src)) {
    const from = path.relative(src, file).split(path.sep)[0] ?? '';
    if (!(from in layer)) continue;
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(?\s*)'(\.[^']+)'/g)) {
      const target = path.relative(src, path.resolve(path.dirname(file), m[1] ?? ''));
      const to = target.split(path.sep)[0] ?? '';
      if (to === from || !(to in layer)) continue;
      const rest = target.split(path.sep).slice(1).join('/');
      if ((layer[to] ?? 0) < (layer[from] ?? 0) || allowed.has(`${from} → ${to}/${rest}`)) continue;
      wrong.push(`${path.relative(src, file)} imports ${target} (${from} may not depend on ${to})`);
    }
  }
  assert.deepEqual(wrong, []);
});

test('the kernel never imports an interface; process and native never import the kernel', () => {
  // the same rule the layers give, said the way the design says it, so a change of the table above cannot lose it
  assert.ok(
    (layer.core ?? 0) <
      Math.min(
        ...['config', 'daemon', 'cli', 'http', 'script', 'client', 'protocol'].map((f) => layer[f] ?? 0),
      ),
  );
  assert.ok(Math.max(layer.process ?? 0, layer.native ?? 0, layer.logs ?? 0) < (layer.core ?? 0));
});
