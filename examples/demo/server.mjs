// A small HTTP server for the demo: answers every request and logs it.
import http from 'node:http';

const port = Number(process.env.PORT ?? 8089);
let served = 0;
const server = http.createServer((req, res) => {
  if (req.url === '/health') return res.end('ok\n');
  served++;
  console.log(`${req.method} ${req.url} -> 200 (request ${served})`);
  res.end(`hello from the demo web server, request ${served}\n`);
});
server.listen(port, '127.0.0.1', () => console.log(`listening on http://127.0.0.1:${port}`));
process.on('SIGTERM', () => {
  console.log('SIGTERM received, closing the server');
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
