/**
 * zinit's service builder for client scripts: a service is described step by step, then
 * registered with the daemon, then waited for.
 *
 *   const web = await service('web').exec('node server.js').env('PORT', '3000').testHttp(url).register();
 *   await web.wait(10);
 */
import path from 'node:path';
import type { Client } from '../client/client.ts';
import type { ServiceView } from '../protocol/methods.ts';

type Definition = Record<string, unknown>;

export class ServiceBuilder {
  readonly name: string;
  readonly #client: Client | (() => Promise<Client>);
  readonly #def: Definition = {};

  /** `client` may be a function: the builder of an import connects only when it registers. */
  constructor(client: Client | (() => Promise<Client>), name: string) {
    this.#client = client;
    this.name = name;
  }

  async #connected(): Promise<Client> {
    return typeof this.#client === 'function' ? this.#client() : this.#client;
  }

  /** The command line (run by /bin/sh -c only when it has shell syntax). */
  exec(command: string): this {
    this.#def.command = command;
    return this;
  }
  /** Working directory, relative to the script's current folder. */
  dir(cwd: string): this {
    this.#def.cwd = path.resolve(cwd);
    return this;
  }
  env(key: string, value: string): this {
    this.#def.env = { ...(this.#def.env as Definition | undefined), [key]: value };
    return this;
  }
  /** Starts after these services are ready, and fails if they fail. */
  after(...names: string[]): this {
    this.#def.requires = [...((this.#def.requires as string[] | undefined) ?? []), ...names];
    return this;
  }
  /** Ready once host:port accepts connections. */
  testTcp(address: string): this {
    this.#def.ready = { tcp: address };
    return this;
  }
  /** Ready once the URL answers 2xx or 3xx. */
  testHttp(url: string): this {
    this.#def.ready = { http: url };
    return this;
  }
  /** Ready once the command exits 0. */
  testCmd(command: string): this {
    this.#def.ready = { exec: command };
    return this;
  }
  /** Runs to completion and is not restarted. */
  oneshot(on = true): this {
    this.#def.oneshot = on;
    return this;
  }
  /** Seconds between the stop signal and SIGKILL. */
  shutdownTimeout(seconds: number): this {
    this.#def.stop_timeout = seconds;
    return this;
  }
  signalStop(signal: string): this {
    this.#def.stop_signal = signal;
    return this;
  }
  /** The definition as it will be sent (the keys of a `[services.NAME]` table). */
  definition(): Definition {
    return structuredClone(this.#def);
  }

  /**
   * Adds the service to the daemon and starts it; bad fields are refused, naming the field.
   * Without dir() it runs in the script's folder, as `tend add` does (a remote tend's own).
   */
  async register(): Promise<this> {
    const client = await this.#connected();
    const here = client.source === '--host' ? {} : { cwd: process.cwd() };
    await client.service.add({ services: { [this.name]: { ...here, ...this.#def } } });
    return this;
  }

  /** Waits until every instance is running (ready), at most `seconds`; returns their state. */
  async wait(seconds = 30): Promise<ServiceView[]> {
    const client = await this.#connected();
    await client.service.start({ names: [this.name], wait: seconds * 1000 });
    return client.service.status({ name: this.name });
  }
}
