import mysql from 'mysql2/promise';

// The bench database: created fresh for each run on the MariaDB at BENCH_MYSQL_URL and dropped at the end.
// Its name carries the benchmark's pid, so a run that was killed outright is cleaned up by the next one.

const ADMIN_URL = process.env['BENCH_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306';
const PREFIX = 'fanbase_bench_';

async function withAdmin<T>(fn: (conn: mysql.Connection) => Promise<T>): Promise<T> {
  const url = new URL(ADMIN_URL);
  url.pathname = '/';
  const conn = await mysql.createConnection({ uri: url.toString(), connectTimeout: 5000 }).catch((err: unknown) => {
    throw new Error(`cannot connect to MariaDB at ${url.host} (${err instanceof Error ? err.message : String(err)}); set BENCH_MYSQL_URL`);
  });
  try {
    return await fn(conn);
  } finally {
    await conn.end();
  }
}

export async function serverVersion(): Promise<string> {
  return withAdmin(async (conn) => {
    const [rows] = await conn.query('SELECT VERSION() AS v');
    return String((rows as { v: string }[])[0]?.v ?? 'unknown');
  });
}

export interface BenchDatabase {
  name: string;
  /** DATABASE_URL for Fanbase. */
  url: string;
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `${PREFIX}${process.pid}_${Date.now().toString(36)}`;
  await withAdmin(async (conn) => {
    const [rows] = await conn.query('SHOW DATABASES');
    for (const row of rows as Record<string, string>[]) {
      const existing = Object.values(row)[0] ?? '';
      const owner = new RegExp(`^${PREFIX}(\\d+)_`).exec(existing)?.[1];
      if (owner && !alive(Number(owner))) {
        await conn.query(`DROP DATABASE IF EXISTS \`${existing}\``);
        console.log(`dropped ${existing}, left behind by an earlier run`);
      }
    }
    await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  });
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return { name, url: url.toString() };
}

export async function dropBenchDatabase(db: BenchDatabase): Promise<void> {
  await withAdmin((conn) => conn.query(`DROP DATABASE IF EXISTS \`${db.name}\``));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
