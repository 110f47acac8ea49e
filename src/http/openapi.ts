/**
 * The OpenAPI 3.1 document of the HTTP API, generated from the route table and the protocol
 * table: each route's method and path, its parameters (the path's, then the method's other
 * params from the query for GET and DELETE, from the JSON body for POST and PUT), its result
 * and the error shape. Served at GET /api/openapi.json and written to docs/openapi.json.
 */
import { z } from 'zod';
import pkg from '../../package.json' with { type: 'json' };
import { type MethodName, methods } from '../protocol/methods.ts';
import { type Route, routes, streams } from './routes.ts';

type Json = Record<string, unknown>;

function schemaOf(type: z.ZodType, io: 'input' | 'output'): Json {
  const s = z.toJSONSchema(type, { io, unrepresentable: 'any' }) as Json;
  delete s.$schema;
  return s;
}

/** The params of a method as one object schema's properties (a union takes its object branch). */
function paramsOf(rpc: MethodName): { properties: Record<string, Json>; required: Set<string> } {
  const s = schemaOf(methods[rpc].params, 'input');
  const object = s.properties ? s : ((s.anyOf as Json[] | undefined)?.find((x) => x.properties) ?? {});
  return {
    properties: (object.properties ?? {}) as Record<string, Json>,
    required: new Set((object.required as string[] | undefined) ?? []),
  };
}

const errorBody = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: {
          type: 'string',
          description: 'a stable code: TEND_… (docs/errors.md) or a JSON-RPC error name',
        },
        message: { type: 'string' },
        data: {},
      },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
};

const errorResponse = {
  description: 'an error: its HTTP status from docs/errors.md, its code in error.code',
  content: { 'application/json': { schema: errorBody } },
};

/** `/api/services/:name` as OpenAPI writes it. */
function openApiPath(path: string): string {
  return path.replace(/:(\w+)/g, '{$1}');
}

function operation(route: Route): Json {
  const spec = methods[route.rpc];
  const pathParams = [...route.path.matchAll(/:(\w+)/g)].map((m) => m[1] ?? '');
  const { properties, required } = paramsOf(route.rpc);
  // a path's :name is the method's `name`, or its `names` as one
  const fromPath = new Set([...pathParams, ...(pathParams.includes('name') ? ['names'] : [])]);
  const rest = Object.entries(properties).filter(([p]) => !fromPath.has(p));
  const parameters: Json[] = pathParams.map((p) => ({
    name: p,
    in: 'path',
    required: true,
    schema: { type: 'string' },
    description: 'a service (or job, cron job) name, base name or glob, URL-encoded',
  }));
  const op: Json = {
    operationId:
      route.rpc.replace(/\.(\w)/g, (_, c: string) => c.toUpperCase()) +
      (route.method === 'GET' ? '' : route.method),
    summary: spec.summary,
    description: `The protocol method \`${route.rpc}\` (docs/rpc.md).`,
    parameters,
    responses: {
      [route.created ? '201' : '200']: {
        description: 'the result of the method',
        content: { 'application/json': { schema: schemaOf(spec.result, 'output') } },
      },
      default: errorResponse,
    },
  };
  if (route.method === 'GET' || route.method === 'DELETE') {
    for (const [p, schema] of rest)
      parameters.push({ name: p, in: 'query', required: required.has(p), schema });
  } else if (rest.length > 0) {
    const service = route.method === 'PUT' ? properties.service : undefined;
    op.requestBody = {
      required: false,
      content: {
        'application/json': {
          schema: service ?? {
            type: 'object',
            properties: Object.fromEntries(rest),
            required: rest.map(([p]) => p).filter((p) => required.has(p)),
          },
        },
      },
    };
  }
  return op;
}

/** The routes that are not one call with one answer, described by hand beside the table's. */
function specialPaths(): Record<string, Json> {
  const stream = (summary: string, rpc: MethodName) => ({
    summary,
    description: `\`${rpc}\` as a stream: Server-Sent Events with \`Accept: text/event-stream\`, else one JSON object per line.`,
    responses: {
      200: { description: 'the stream', content: { 'text/event-stream': {}, 'application/x-ndjson': {} } },
      default: errorResponse,
    },
  });
  return {
    '/api/rpc': {
      post: {
        operationId: 'rpc',
        summary: 'A JSON-RPC 2.0 call, or a batch, of any method of the protocol (docs/rpc.md).',
        requestBody: { required: true, content: { 'application/json': { schema: {} } } },
        responses: {
          200: { description: 'the JSON-RPC answer', content: { 'application/json': { schema: {} } } },
          204: { description: 'a notification: nothing to answer' },
          default: errorResponse,
        },
      },
    },
    '/api/rpc/stream': {
      post: {
        operationId: 'rpcStream',
        summary: 'JSON-RPC lines both ways over one request: calls, subscriptions, their notifications.',
        requestBody: { required: true, content: { 'application/x-ndjson': {} } },
        responses: {
          200: { description: 'answers and notifications', content: { 'application/x-ndjson': {} } },
        },
      },
    },
    [streams.events.path]: {
      get: { operationId: 'events', ...stream('Every event as it happens.', 'events.subscribe') },
    },
    '/metrics': {
      get: {
        operationId: 'metrics',
        summary: 'Prometheus metrics of services, jobs and cron jobs.',
        responses: { 200: { description: 'the text exposition format', content: { 'text/plain': {} } } },
      },
    },
    '/api/openapi.json': {
      get: {
        operationId: 'openapi',
        summary: 'This document.',
        responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': {} } } },
      },
    },
  };
}

export function openApiDocument(version: string = pkg.version): Json {
  const paths: Record<string, Json> = specialPaths();
  for (const route of routes) {
    const key = openApiPath(route.path);
    paths[key] = { ...(paths[key] ?? {}), [route.method.toLowerCase()]: operation(route) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'tend HTTP API',
      version,
      description:
        'Control a tend process supervisor over HTTP(S). Every route is a method of the JSON-RPC protocol; ' +
        'GET /api/services/{name}/logs and GET /api/logs stream with ?follow=1.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: '`tend token` on the server shows it' },
      },
      schemas: { Error: errorBody },
    },
    paths,
  };
}
