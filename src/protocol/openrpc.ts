/**
 * The OpenRPC document of the protocol, generated from the method table, so that clients in
 * other languages can be generated instead of written (`rpc.discover`).
 */
import { z } from 'zod';
import { methods } from './methods.ts';

type Json = Record<string, unknown>;

function schemaOf(type: z.ZodType, io: 'input' | 'output'): Json {
  const s = z.toJSONSchema(type, { io, unrepresentable: 'any' }) as Json;
  delete s.$schema;
  return s;
}

export function openRpcDocument(version: string): Json {
  return {
    openrpc: '1.3.2',
    info: { title: 'tend', version, description: 'Control a tend process supervisor over its unix socket.' },
    methods: Object.entries(methods).map(([name, spec]) => {
      const params = schemaOf(spec.params, 'input');
      const props = (params.properties ??
        (params.anyOf as Json[] | undefined)?.find((s) => s.properties)?.properties ??
        {}) as Record<string, Json>;
      const required = new Set((params.required as string[] | undefined) ?? []);
      return {
        name,
        summary: spec.summary,
        paramStructure: 'by-name',
        params: Object.entries(props).map(([p, schema]) => ({ name: p, required: required.has(p), schema })),
        result: { name: 'result', schema: schemaOf(spec.result, 'output') },
      };
    }),
  };
}
