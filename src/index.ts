/**
 * The package's SDK entry (`import { connect } from 'tend-supervisor'`): the typed client,
 * the protocol table, `defineConfig` for tend.config.ts, and the kernel for embedding.
 */
export { type Client, type ConnectOptions, connect } from './client/client.ts';
export { RpcError } from './client/connection.ts';
export { defineConfig } from './config/schema.ts';
export { FakeClock, systemClock } from './core/clock.ts';
export { TendError } from './core/errors.ts';
export type { SupervisorEvent } from './core/events.ts';
export { serviceStates } from './core/lifecycle.ts';
export { makeServiceSpec, type ServiceSpec } from './core/service-spec.ts';
export { Supervisor } from './core/supervisor.ts';
export { type MethodName, methods } from './protocol/methods.ts';
