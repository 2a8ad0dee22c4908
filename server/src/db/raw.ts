import type { DataSource } from 'typeorm';

type Callback = (err: Error | null, rows: unknown) => void;
interface Pool {
  execute(sql: string, params: unknown[], cb: Callback): void;
  query(sql: string, params: unknown[], cb: Callback): void;
}

/**
 * A prepared statement on the connection pool, outside TypeORM's query runner, for the few statements that run
 * for every WeChat push: the runner's per-statement work and the client-side escaping of every value cost more
 * CPU than the statements themselves (npm run bench:callback). MySQL prepares each distinct text once per
 * connection and keeps it (so callers keep the number of distinct texts small: the server caps prepared
 * statements, 16382 by default, across all connections); values travel in the binary protocol. `prepared: false`
 * sends the text with escaped values instead, for rare statements. SQLite (one instance, no network) goes
 * through TypeORM. Same `?` placeholders on both; errors as the driver raises them.
 */
export function rawQuery(db: DataSource, { prepared = true } = {}): <T>(sql: string, params: unknown[]) => Promise<T> {
  return <T>(sql: string, params: unknown[]) => {
    const pool = db.options.type === 'mysql' ? (db.driver as unknown as { pool?: Pool }).pool : undefined;
    if (!pool) return db.query(sql, params) as Promise<T>;
    const done = (resolve: (v: T) => void, reject: (e: Error) => void) => (err: Error | null, rows: unknown) => (err ? reject(err) : resolve(rows as T));
    return new Promise<T>((resolve, reject) => (prepared ? pool.execute(sql, params, done(resolve, reject)) : pool.query(sql, params, done(resolve, reject))));
  };
}
