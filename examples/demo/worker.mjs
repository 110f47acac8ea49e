// A worker for the demo: calls the web server every second and reports what it got.
const target = process.env.TARGET ?? 'http://127.0.0.1:8089/';
const me = `worker ${process.env.TEND_INSTANCE ?? 0}`;
let n = 0;
const timer = setInterval(async () => {
  n++;
  try {
    const body = await (await fetch(target)).text();
    console.log(`${me}: job ${n}: ${body.trim()}`);
  } catch (e) {
    console.error(`${me}: job ${n}: web not reachable yet (${e.cause?.code ?? e.message})`);
  }
}, 1000);
process.on('SIGTERM', () => {
  clearInterval(timer);
  console.log(`${me}: finishing after ${n} jobs`);
  process.exit(0);
});
