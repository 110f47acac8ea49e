// A Node HTTP server started by socket activation: the socket is fd 3 (LISTEN_FDS=1), bound
// by tend, so a restart refuses no connection: they wait in the listen queue meanwhile.
import http from 'node:http';

if (process.env.LISTEN_PID !== String(process.pid) || process.env.LISTEN_FDS !== '1') {
  console.error('expected one socket from tend (LISTEN_FDS=1, LISTEN_PID = my pid)');
  process.exit(1);
}
const server = http.createServer((_req, res) => {
  res.end(`${process.env.TEND_SERVICE} ${process.pid}\n`);
});
server.listen({ fd: 3 });
console.log(`serving ${process.env.LISTEN_FDNAMES} on fd 3`);

// On stop: take no new connection (they wait in tend's socket for the next process), finish
// what was accepted, then exit. A connection accepted a moment ago may not have sent its
// request yet, so Node's closing of idle connections is left out: each one is answered.
process.on('SIGTERM', () => {
  server.closeIdleConnections = () => {};
  server.close(() => process.exit(0));
});
