/**
 * Reads a PM2 ecosystem file. JavaScript ones (.js/.cjs/.mjs) run in a child Node process, never
 * in tend's own, as PM2 itself requires them; a .json that is not strict JSON is evaluated as a
 * JavaScript object literal there too, as PM2 does. YAML and strict JSON are parsed here.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { configError } from '../../config/issues.ts';
import { parseText } from '../../config/parse.ts';

/** What runs in the child: load the file, send its value (as JSON) on fd 3. */
const childCode = `
import { readFileSync, writeSync } from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';
const file = process.argv[1];
const send = (v) => writeSync(3, JSON.stringify(v));
try {
  let value;
  if (/\\.json5?$/i.test(file)) {
    const text = readFileSync(file, 'utf8');
    try { value = JSON.parse(text); }
    catch { value = vm.runInNewContext('(' + text + ')', {}, { filename: file, timeout: 1000 }); }
  } else if (/.mjs$/i.test(file)) {
    value = (await import(pathToFileURL(file).href)).default;
  } else {
    // PM2 require()s an ecosystem file: compile it as CommonJS whatever the package type says
    const source = readFileSync(file, 'utf8');
    let esm = false;
    try { new vm.Script(Module.wrap(source), { filename: file }); } catch (e) { esm = e instanceof SyntaxError && /import|export/.test(e.message); }
    if (esm) value = (await import(pathToFileURL(file).href)).default;
    else {
      const m = new Module(file);
      m.filename = file;
      m.paths = Module._nodeModulePaths(path.dirname(file));
      m._compile(source, file);
      value = m.exports;
    }
  }
  send({ ok: value ?? null });
} catch (e) {
  send({ error: { name: String(e?.name ?? 'Error'), message: String(e?.message ?? e), stack: String(e?.stack ?? '') } });
}
`;

const timeoutMs = 10_000;

export async function readEcosystem(file: string): Promise<unknown> {
  if (/\.ya?ml$/i.test(file)) return parseText(readFileSync(file, 'utf8'), 'yaml', file).data;
  if (/\.json$/i.test(file)) {
    const text = readFileSync(file, 'utf8');
    try {
      return JSON.parse(text);
    } catch {
      // PM2 reads .json as a JavaScript expression (unquoted keys, single quotes)
    }
  }
  return evaluate(file);
}

function evaluate(file: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', childCode, file], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    let answer = '';
    let stderr = '';
    child.stdio[3]?.on('data', (d: Buffer) => {
      answer += d.toString('utf8');
    });
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      let parsed: { ok?: unknown; error?: { name: string; message: string; stack: string } } | null = null;
      try {
        parsed = answer ? JSON.parse(answer) : null;
      } catch {
        parsed = null;
      }
      if (parsed && 'ok' in parsed) return resolve(parsed.ok);
      const error = parsed?.error;
      const why = error
        ? `${error.name}: ${error.message}`
        : signal === 'SIGKILL'
          ? `it did not finish within ${timeoutMs / 1000}s`
          : `node exited ${code}${stderr ? `: ${stderr.trim().split('\n').slice(-1)[0]}` : ''}`;
      const { line, column } = placeOf(error?.stack ?? stderr, file);
      reject(
        configError(file, [
          { file, line, column, path: '', message: `the PM2 ecosystem file failed to load: ${why}` },
        ]),
      );
    });
  });
}

/** The first `file:line:col` (or `file:line` of a syntax error) in a stack that names the file. */
function placeOf(stack: string, file: string): { line: number | null; column: number | null } {
  for (const name of [file, `file://${file}`]) {
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    const m = new RegExp(`${escaped}:(\\d+)(?::(\\d+))?`).exec(stack);
    if (m) return { line: Number(m[1]), column: m[2] ? Number(m[2]) : null };
  }
  return { line: null, column: null };
}
