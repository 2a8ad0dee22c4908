// Shared by the stand-alone servers the callback benchmark starts: the port to listen on, and an exit when
// the benchmark that started them is gone (so a killed run leaves nothing behind).
export function benchPort(): number {
  const port = Number(process.env['BENCH_PORT']);
  if (!Number.isInteger(port) || port <= 0) throw new Error('BENCH_PORT is not set');
  return port;
}

export function exitWithParent(): void {
  const parent = Number(process.env['BENCH_PARENT_PID']);
  if (!Number.isInteger(parent) || parent <= 0) return;
  setInterval(() => {
    try {
      process.kill(parent, 0);
    } catch {
      process.exit(0);
    }
  }, 1000).unref();
}
