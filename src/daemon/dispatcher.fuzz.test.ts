/**
 * Fuzzing the JSON-RPC dispatcher with a whole tend in-process (test/rpc-world.ts): requests
 * for every method of the protocol table with wrong types, missing and extra fields, huge and
 * deep values, odd ids, notifications and batches, and, on a stream, broken framing in random
 * chunkings. Every reply is a well-formed JSON-RPC response (never -32603, the internal
 * error), its id is the request's, and a refused request leaves the services as they were.
 * 1,000 cases per property in npm test, 100,000 deep.
 */
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import { fuzzParameters } from '../../test/fuzz.ts';
import { tempDir } from '../../test/helpers.ts';
import { makeWorld } from '../../test/rpc-world.ts';
import { requestProblem } from '../protocol/jsonrpc.ts';
import { methods } from '../protocol/methods.ts';

const methodNames = Object.keys(methods);

/** The keys a method's params may have, from the table's schema (the generator's vocabulary). */
function paramKeys(method: string): string[] {
  const schema = (methods as Record<string, { params: unknown }>)[method]?.params as
    | { unwrap?: () => unknown; shape?: object; def?: { innerType?: { shape?: object } } }
    | undefined;
  const shape = schema?.shape ?? schema?.def?.innerType?.shape;
  return shape ? Object.keys(shape) : [];
}
const allKeys = [...new Set(methodNames.flatMap(paramKeys))];

const deepValue = fc
  .tuple(fc.integer({ min: 1, max: 3000 }), fc.constantFrom('[', '{"a":'))
  .map(([depth, open]) => JSON.parse(`${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`));

const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'web',
      'db',
      'all',
      'web:1',
      'we*',
      '*',
      '',
      '../x',
      'a/b',
      'SIGTERM',
      'SIGNOPE',
      9,
      -1,
      0,
      1e308,
      2 ** 53 + 1,
      3_600_001,
      ['web'],
      ['nope'],
      [],
      [''],
      { command: 'x' },
      { args: ['x'] },
      { command: 'x', restart: 'allways' },
      { schedule: '@every 1s', command: 'x' },
      { '../x': { command: 'x' } },
      { web: { command: 'x' } },
      '(unclosed',
      '(a+)+$',
    ),
  },
  { weight: 1, arbitrary: fc.string({ minLength: 10_000, maxLength: 20_000 }) },
  { weight: 1, arbitrary: fc.array(fc.constant('web'), { minLength: 1001, maxLength: 1100 }) },
  { weight: 1, arbitrary: deepValue },
);

const params = fc.oneof(
  fc.constant(undefined),
  value,
  fc.dictionary(fc.oneof(fc.constantFrom(...allKeys), fc.string({ maxLength: 6 })), value, { maxKeys: 4 }),
);

const id = fc.oneof(fc.integer(), fc.string({ maxLength: 8 }), fc.constantFrom(null, 1.5, true, [], {}, -0));

/** One message: mostly a request, sometimes a notification or not a request at all. */
const message = fc
  .record(
    {
      jsonrpc: fc.oneof({ weight: 9, arbitrary: fc.constant('2.0') }, { weight: 1, arbitrary: value }),
      id,
      method: fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(...methodNames) },
        { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
        { weight: 1, arbitrary: value },
      ),
      params,
      extra: value,
    },
    { requiredKeys: ['jsonrpc', 'method'] },
  )
  .map((m) => {
    const { extra, ...rest } = m;
    const key = typeof extra === 'string' ? extra.slice(0, 8) : 'extra';
    return extra === undefined || Object.keys(rest).length % 2 ? rest : { ...rest, [key]: extra };
  });

const line = fc.oneof(
  { weight: 6, arbitrary: message.map((m) => JSON.stringify(m)) },
  { weight: 2, arbitrary: fc.array(message, { maxLength: 5 }).map((b) => JSON.stringify(b)) },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  {
    weight: 1,
    arbitrary: fc.tuple(message, fc.nat(), fc.string({ maxLength: 3 })).map(([m, cut, junk]) => {
      const text = JSON.stringify(m);
      return text.slice(0, cut % (text.length + 1)) + junk;
    }),
  },
);

type Response = Record<string, unknown>;

/** A response as JSON-RPC 2.0 writes it: never the internal error, id echoed when valid. */
function assertResponse(r: unknown, request: unknown): void {
  assert.ok(r && typeof r === 'object' && !Array.isArray(r), `a response object, got ${JSON.stringify(r)}`);
  const res = r as Response;
  assert.equal(res.jsonrpc, '2.0');
  assert.ok(
    res.id === null || typeof res.id === 'string' || typeof res.id === 'number',
    `id ${JSON.stringify(res.id)}`,
  );
  assert.equal('result' in res, !('error' in res), 'a result or an error, not both');
  const keys = Object.keys(res).sort();
  assert.deepEqual(keys, ['error' in res ? 'error' : 'result', 'id', 'jsonrpc'].sort());
  if ('error' in res) {
    const err = res.error as { code?: unknown; message?: unknown };
    assert.ok(Number.isInteger(err.code), 'an integer error code');
    assert.notEqual(err.code, -32603, `an internal error: ${JSON.stringify(err)}`);
    assert.ok(typeof err.message === 'string' && err.message.length > 0);
  }
  const reqId = (request as { id?: unknown } | null)?.id;
  if (typeof reqId === 'number' || typeof reqId === 'string' || reqId === null) {
    if (res.id !== null) assert.equal(res.id, reqId, 'the id is echoed');
  }
}

/** A valid request without an id: the one thing that is owed no answer. */
const isNotification = (m: unknown) => requestProblem(m) === null && !('id' in (m as object));

test('fuzz: every generated request line gets well-formed JSON-RPC answers, never -32603, and a refused one changes nothing', async (t) => {
  const world = makeWorld(tempDir(t));
  t.after(() => world.close());
  await fc.assert(
    fc.asyncProperty(line, async (text) => {
      const ctx = world.dispatcher.oneShotContext();
      const before = world.snapshot();
      let request: unknown;
      try {
        request = JSON.parse(text);
      } catch {
        request = undefined;
      }
      try {
        const answer = await world.dispatcher.handleLine(text, ctx);
        JSON.stringify(answer);
        if (Array.isArray(request) && request.length > 0) {
          const owed = request.filter((m) => !isNotification(m)).length;
          if (owed === 0) assert.equal(answer, null, 'a batch of notifications gets nothing back');
          else {
            assert.ok(Array.isArray(answer), 'a batch gets an array');
            assert.equal(answer.length, owed, 'one answer per request of the batch');
            for (const r of answer) assertResponse(r, null);
          }
        } else if (isNotification(request)) {
          assert.equal(answer, null, 'a notification gets nothing back');
        } else {
          assertResponse(answer, request);
        }
        // a notification is carried out unanswered: only all-error answers say nothing was done
        const silent = [request].flat().some((m) => isNotification(m));
        const refused = answer !== null && !silent && [answer].flat().every((r) => 'error' in r);
        if (refused) assert.deepEqual(world.changedSince(before), [], 'a refused request changes nothing');
      } finally {
        ctx.close();
      }
    }),
    fuzzParameters(),
  );
});

test('fuzz: a stream of requests cut into random chunks, with garbage and over-long lines, is answered line by line and stays usable', async (t) => {
  const world = makeWorld(tempDir(t));
  t.after(() => world.close());
  await fc.assert(
    fc.asyncProperty(
      fc.array(
        fc.oneof(
          { weight: 20, arbitrary: line },
          { weight: 4, arbitrary: fc.constantFrom('', '\r', ' ', '\u0000', '\ufeff{}') },
          { weight: 1, arbitrary: fc.constant('x'.repeat(300 * 1024)) },
        ),
        { maxLength: 6 },
      ),
      fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 8 }),
      async (lines, cuts) => {
        const input = new PassThrough();
        const output = new PassThrough();
        let text = '';
        output.on('data', (d) => {
          text += d;
        });
        let destroyed = false;
        const ctx = world.dispatcher.serveStream({
          input,
          output,
          destroy: () => {
            destroyed = true;
            output.destroy();
          },
        });
        const bytes = Buffer.from(
          `${lines.join('\n')}\n${JSON.stringify({ jsonrpc: '2.0', id: 'end', method: 'system.ping' })}\n`,
        );
        for (let off = 0, i = 0; off < bytes.length; i++) {
          const n = cuts[i % cuts.length] ?? 1;
          // a chunk of up to 4 KiB, or the rest of a long line at once
          const size = bytes.length - off > 64 * 1024 ? 64 * 1024 : n;
          input.write(bytes.subarray(off, off + size));
          off += size;
        }
        const overLong = lines.some((l) => Buffer.byteLength(l) > 256 * 1024);
        const deadline = Date.now() + 10_000;
        while (!text.includes('"id":"end"') && !destroyed && !output.writableEnded && Date.now() < deadline)
          await new Promise((r) => setImmediate(r));
        ctx.close();
        const answers = text
          .split('\n')
          .filter(Boolean)
          .map((l) => JSON.parse(l) as unknown);
        for (const a of answers) {
          // a subscription made by the stream pushes notifications: those are no answers
          if (!Array.isArray(a) && typeof (a as Response).method === 'string') {
            assert.equal((a as Response).jsonrpc, '2.0');
            assert.ok(!('id' in (a as Response)), 'a notification has no id');
            continue;
          }
          for (const r of [a].flat()) assertResponse(r, null);
        }
        if (overLong) {
          // the line over the limit closes the connection, with an error saying why
          assert.ok(text.includes('message over'), 'the over-long line is refused by name');
        } else {
          assert.ok(text.includes('"id":"end"'), 'the ping after the garbage is answered');
        }
      },
    ),
    fuzzParameters(),
  );
});
