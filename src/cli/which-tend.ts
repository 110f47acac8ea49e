/**
 * Which tend answered, in words (`the tend up in ~/proj`, `the tend at /run/tend/tend.sock
 * (TEND_HOME)`), and the other tends nearby a "not found" should mention: the project's
 * `tend up`, the daemon of TEND_HOME or of the default home.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { connect } from '../client/client.ts';
import { projectSource, type SocketChoice, socketCandidates } from '../client/socket-path.ts';

export function describeTend(socket: string, source: string): string {
  if (source === projectSource) return `the tend up in ${path.dirname(path.dirname(socket))}`;
  if (source === '--host') return `the tend at ${socket}`;
  return `the tend at ${socket} (${source})`;
}

/** The option that reaches this tend from anywhere: `--socket PATH`. */
export function optionFor(choice: SocketChoice): string {
  return `--socket ${shellWord(choice.socket)}`;
}

export interface NearbyTend {
  readonly choice: SocketChoice;
  /** Whether it has the service asked for (when one was). */
  readonly has: boolean;
}

/** Other tends that answer on this machine for this folder, and whether each has `service`. */
export async function nearbyTends(
  opts: { socket?: string | undefined; home?: string | undefined },
  used: string,
  service: string | null,
): Promise<NearbyTend[]> {
  const others = socketCandidates(opts).filter((c) => c.socket !== used && existsSync(c.socket));
  const found = await Promise.all(
    others.map(async (choice): Promise<NearbyTend | null> => {
      try {
        const client = await connect({ socket: choice.socket, timeoutMs: 500 });
        try {
          if (service === null) return { choice, has: false };
          const has = await client.service
            .status({ name: service }, { timeoutMs: 500 })
            .then((l) => l.length > 0)
            .catch(() => false);
          return { choice, has };
        } finally {
          client.close();
        }
      } catch {
        return null;
      }
    }),
  );
  return found.filter((n): n is NearbyTend => n !== null);
}

/** The words of the hint about other tends: which one has the service, and how to reach it. */
export function nearbyHint(nearby: readonly NearbyTend[], argv: readonly string[]): string | null {
  const command = argv.map(shellWord).join(' ');
  const having = nearby.find((n) => n.has);
  if (having)
    return `${describeTend(having.choice.socket, having.choice.source)} has it: tend ${optionFor(having.choice)} ${command}`;
  const first = nearby[0];
  if (!first) return null;
  return `${describeTend(first.choice.socket, first.choice.source)} answers too: tend ${optionFor(first.choice)} ls`;
}

function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}
