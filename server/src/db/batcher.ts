/**
 * Group commit: calls made while a flush is in flight wait and go together in the next one, so under load N
 * callers cost one database round trip instead of N, and a lone caller waits for nothing but its own flush.
 * `flush` answers one result per item, in order; if it throws, every caller of that batch gets the error.
 */
export function createBatcher<T, R>(flush: (items: T[]) => Promise<R[]>, maxBatch = 200) {
  let queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let running = false;

  async function drain() {
    while (queue.length > 0) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      try {
        const results = await flush(batch.map((b) => b.item));
        batch.forEach((b, i) => b.resolve(results[i]!));
      } catch (err) {
        for (const b of batch) b.reject(err);
      }
    }
    running = false;
  }

  return (item: T): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (!running) {
        running = true;
        // Requests that arrived in the same turn of the event loop join the first flush.
        setImmediate(() => void drain());
      }
    });
}
