/**
 * JSON-RPC 2.0 as tend speaks it: one JSON message per line, batches as arrays, the standard
 * error codes, and TendErrors carried with their stable code in `error.data.code`.
 */
import { errors, isTendError } from '../core/errors.ts';

export const rpcCodes = {
  parseError: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internalError: -32603,
} as const;

export type RpcId = string | number | null;

export interface RpcErrorObject {
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

export interface RpcRequest {
  readonly jsonrpc: '2.0';
  readonly method: string;
  readonly params?: unknown;
  /** Absent for a notification. */
  readonly id?: RpcId;
}

export type RpcResponse =
  | { readonly jsonrpc: '2.0'; readonly id: RpcId; readonly result: unknown }
  | { readonly jsonrpc: '2.0'; readonly id: RpcId; readonly error: RpcErrorObject };

export function isValidId(id: unknown): id is RpcId {
  return id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
}

/** Checks the shape of one request; returns why it is not one, or null. */
export function requestProblem(v: unknown): string | null {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return 'a request must be a JSON object';
  const r = v as Record<string, unknown>;
  if (r.jsonrpc !== '2.0') return 'a request must have "jsonrpc": "2.0"';
  if (typeof r.method !== 'string') return 'a request must have a string "method"';
  if ('id' in r && !isValidId(r.id)) return '"id" must be a string, a number or null';
  if ('params' in r && (typeof r.params !== 'object' || r.params === null)) {
    return '"params" must be an object (or an array)';
  }
  return null;
}

export function errorResponse(id: RpcId, error: RpcErrorObject): RpcResponse {
  return { jsonrpc: '2.0', id, error };
}

/** Any thrown value as a JSON-RPC error: a TendError keeps its code and data. */
export function toErrorObject(e: unknown): RpcErrorObject {
  if (isTendError(e))
    return { code: errors[e.code].rpc, message: e.message, data: { code: e.code, ...e.data } };
  return { code: rpcCodes.internalError, message: e instanceof Error ? e.message : String(e) };
}

/**
 * Splits a byte stream into lines, refusing any line longer than `maxBytes` without holding
 * it in memory: `onOversize` is called once and the reader stops.
 */
export class LineReader {
  readonly #maxBytes: number;
  readonly #onLine: (line: string) => void;
  readonly #onOversize: () => void;
  #parts: Buffer[] = [];
  #size = 0;
  #dead = false;

  constructor(maxBytes: number, onLine: (line: string) => void, onOversize: () => void) {
    this.#maxBytes = maxBytes;
    this.#onLine = onLine;
    this.#onOversize = onOversize;
  }

  push(chunk: Buffer): void {
    let start = 0;
    while (!this.#dead) {
      const nl = chunk.indexOf(10, start);
      const end = nl === -1 ? chunk.length : nl;
      this.#size += end - start;
      if (this.#size > this.#maxBytes) {
        this.#dead = true;
        this.#parts = [];
        this.#onOversize();
        return;
      }
      if (nl === -1) {
        if (end > start) this.#parts.push(chunk.subarray(start, end));
        return;
      }
      this.#parts.push(chunk.subarray(start, nl));
      const line = Buffer.concat(this.#parts).toString('utf8');
      this.#parts = [];
      this.#size = 0;
      start = nl + 1;
      if (line.trim()) this.#onLine(line);
    }
  }
}
