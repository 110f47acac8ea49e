/**
 * tend's end of a controller's control socket (a socket pair, the child's end at the fds the
 * controller chose) as the streams serveController speaks over. It is read here with
 * recvmsg when libuv says it is readable, so a descriptor sent with a command (SCM_RIGHTS,
 * daemonproxy's fd.take) is kept for that command; writes go through a Node socket on a copy
 * of the fd, with Node's buffering. EOF or an error ends both directions.
 */
import net from 'node:net';
import { PassThrough } from 'node:stream';
import { closeAll, receiveWithFds, watchReadable } from '../native/fd-passing.ts';
import { closeQuietly, dupAbove } from '../native/fds.ts';

export interface ControlSocket {
  readonly input: NodeJS.ReadableStream;
  readonly output: net.Socket;
  /** The oldest descriptor that came with the commands and was not taken yet. */
  takeFd(): number | null;
}

export function openControlSocket(fd: number): ControlSocket | null {
  const copy = dupAbove(fd, 3);
  if (typeof copy !== 'number') {
    closeQuietly(fd);
    return null;
  }
  const output = new net.Socket({ fd: copy, readable: false, writable: true });
  const input = new PassThrough();
  const received: number[] = [];
  let ended = false;
  const end = () => {
    if (ended) return;
    ended = true;
    watch?.close();
    closeQuietly(fd);
    closeAll(received.splice(0));
    input.end();
    output.destroy();
  };
  // a dead controller's socket: the write fails, and everything ends
  output.on('error', end);
  output.on('close', end);
  const watch = watchReadable(fd, () => {
    for (;;) {
      const r = receiveWithFds(fd);
      if (r.kind === 'again') return;
      if (r.kind !== 'data') return end();
      received.push(...r.fds);
      input.write(r.data);
    }
  });
  if (!watch) {
    end();
    return null;
  }
  return { input, output, takeFd: () => received.shift() ?? null };
}
