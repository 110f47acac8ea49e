/**
 * A streamed response read as JSON objects, one per line, as they arrive (fetch streaming:
 * unlike EventSource it sends the Authorization header). Blank lines are heartbeats.
 */
export async function* jsonLines(res: Response): AsyncGenerator<unknown> {
  if (!res.body) return;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let rest = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      rest += value;
      let nl = rest.indexOf('\n');
      while (nl !== -1) {
        const line = rest.slice(0, nl).trim();
        rest = rest.slice(nl + 1);
        if (line) yield JSON.parse(line);
        nl = rest.indexOf('\n');
      }
    }
  } finally {
    reader.releaseLock();
  }
}

/** Resolves after `ms`, or at once when the signal aborts: the wait between reconnects. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
