/**
 * The package's entry (`import … from 'tend-supervisor'`, or `'tend'` in scripts tend runs):
 * the typed client, the client-script helpers, the protocol table, `defineConfig` for
 * tend.config.ts, and for embedding the kernel, its jobs and cron jobs, the config loader, a
 * whole tend (`startTend`) and its HTTP API as a fetch handler or a Node listener.
 */
export { type Client, type ConnectOptions, connect } from './client/client.ts';
export { RpcError } from './client/connection.ts';
export { findConfig, type LoadedConfig, loadConfig } from './config/index.ts';
export { defineConfig } from './config/schema.ts';
export { FakeClock, systemClock } from './core/clock.ts';
export { CronJobs, type CronSpec } from './core/cron.ts';
export { TendError } from './core/errors.ts';
export type { SupervisorEvent } from './core/events.ts';
export type { JobSpec } from './core/job-spec.ts';
export { Jobs } from './core/jobs.ts';
export { serviceStates } from './core/lifecycle.ts';
export { makeServiceSpec, type ServiceSpec } from './core/service-spec.ts';
export { Supervisor } from './core/supervisor.ts';
export { type StartTendOptions, startTend } from './daemon/embed.ts';
export type { Runtime } from './daemon/runtime.ts';
export { type HttpHandler, type HttpHandlerOptions, httpHandler } from './http/handler.ts';
export { type MethodName, methods } from './protocol/methods.ts';
export {
  checkHttp,
  checkTcp,
  currentClient,
  list,
  remove,
  restart,
  service,
  start,
  status,
  stop,
  useClient,
} from './script/client-api.ts';
export { ServiceBuilder } from './script/service-builder.ts';
