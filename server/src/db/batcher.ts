/** A result standing for one item's own failure: only that caller gets the error. */
export class ItemFailure {
  constructor(readonly error: unknown) {}
}

/**
 * Group commit: calls made while flushes are in flight wait and go together in the next one, so under load N
 * callers cost one database round trip instead of N, and a lone caller waits for nothing but its own flush.
 * Up to `parallel` flushes run at once, so the server keeps working while the database answers.
 * `flush` answers one result per item, in order (an ItemFailure rejects that caller alone); if it throws, every
 * caller of that batch gets the error.
 */
export function createBatcher<T, R>(flush: (items: T[]) => Promise<(R | ItemFailure)[]>, { maxBatch = 200, parallel = 2 } = {}) {
  let queue: { item: T; resolve: (r: R) => void; reject: (e: unknown) => void }[] = [];
  let running = 0;
  let scheduled = false;

  async function run(batch: typeof queue) {
    running++;
    try {
      const results = await flush(batch.map((b) => b.item));
      batch.forEach((b, i) => {
        const result = results[i]!;
        if (result instanceof ItemFailure) b.reject(result.error);
        else b.resolve(result);
      });
    } catch (err) {
      for (const b of batch) b.reject(err);
    } finally {
      running--;
      pump();
    }
  }

  function pump() {
    while (queue.length > 0 && running < parallel) {
      const batch = queue.slice(0, maxBatch);
      queue = queue.slice(batch.length);
      void run(batch);
    }
  }

  return (item: T): Promise<R> =>
    new Promise<R>((resolve, reject) => {
      queue.push({ item, resolve, reject });
      if (running < parallel && !scheduled) {
        scheduled = true;
        // Requests that arrived in the same turn of the event loop join the same flush.
        setImmediate(() => {
          scheduled = false;
          pump();
        });
      }
    });
}
