/**
 * A process's memory as the kernel counts it (/proc/PID/status): the resident set now, and its
 * peak (VmHWM), for tests that promise a bound on tend's memory.
 */
import { readFileSync } from 'node:fs';

function field(pid: number, name: string): number {
  const m = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no ${name} in /proc/${pid}/status`);
  return Number(m[1]) * 1024;
}

/** Resident memory now, in bytes. */
export function rssOf(pid: number): number {
  return field(pid, 'VmRSS');
}

/** The most resident memory the process has had, in bytes. */
export function peakRssOf(pid: number): number {
  return field(pid, 'VmHWM');
}

export function mb(bytes: number): string {
  return `${(bytes / 2 ** 20).toFixed(1)} MB`;
}
