import type { DataSource } from 'typeorm';
import { MIGRATIONS_TABLE } from './data-source';

const LOCK_NAME = 'fanbase_migrations';

// Several instances may start at once against one MySQL: a named lock lets one migrate while the others wait,
// then find nothing left to do.
export async function runMigrations(ds: DataSource, log: (line: string) => void = () => {}): Promise<string[]> {
  if (ds.options.type !== 'mysql') return applyPending(ds, log);
  const runner = ds.createQueryRunner();
  try {
    await runner.connect();
    await ensureUtf8mb4(runner.query.bind(runner));
    const [row] = (await runner.query('SELECT GET_LOCK(?, 120) AS acquired', [LOCK_NAME])) as { acquired: number | string }[];
    if (Number(row?.acquired) !== 1) throw new Error('Timed out waiting for another instance to finish migrating');
    try {
      return await applyPending(ds, log);
    } finally {
      await runner.query('SELECT RELEASE_LOCK(?)', [LOCK_NAME]);
    }
  } finally {
    await runner.release();
  }
}

async function applyPending(ds: DataSource, log: (line: string) => void): Promise<string[]> {
  const applied = await ds.runMigrations({ transaction: 'each' });
  for (const m of applied) log(`migrated: ${m.name}`);
  return applied.map((m) => m.name);
}

// New tables inherit the database default, so the database itself must be utf8mb4 before the first CREATE TABLE.
async function ensureUtf8mb4(query: (sql: string, params?: unknown[]) => Promise<unknown>): Promise<void> {
  const [db] = (await query(
    'SELECT DEFAULT_CHARACTER_SET_NAME AS charset, SCHEMA_NAME AS name FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()',
  )) as { charset: string; name: string }[];
  if (!db) throw new Error('DATABASE_URL names no database (mysql://user:password@host:3306/<database>)');
  if (db.charset === 'utf8mb4') return;
  try {
    await query(`ALTER DATABASE \`${db.name.replace(/`/g, '``')}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } catch (err) {
    throw new Error(
      `Database ${db.name} uses ${db.charset}, not utf8mb4, and could not be changed (${(err as Error).message}). ` +
        `Run: ALTER DATABASE \`${db.name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
  }
}

// Names of migrations the code knows but the database has not applied (empty when the schema is current).
export async function pendingMigrations(ds: DataSource): Promise<string[]> {
  const known = ds.migrations.map((m) => m.name ?? m.constructor.name);
  const rows = (await ds.query(`SELECT name FROM ${MIGRATIONS_TABLE}`).catch((err: { message?: string }) => {
    if (/no such table|doesn't exist/i.test(err.message ?? '')) return [];
    throw err;
  })) as { name: string }[];
  const applied = new Set(rows.map((r) => r.name));
  return known.filter((name) => !applied.has(name));
}
