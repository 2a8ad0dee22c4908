import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mysql from 'mysql2/promise';
import type { DataSource } from 'typeorm';
import type { DatabaseConfig } from '../../server/src/config';
import { createDataSource } from '../../server/src/db/data-source';
import { runMigrations } from '../../server/src/db/migrate';
import { TEST_DB_PREFIX, testDatabaseUrl, testEngine, type TestEngine } from './engine';

export interface TestDatabase {
  engine: TestEngine;
  config: DatabaseConfig;
  // Environment variables that point a child process (a script, a second instance) at this database.
  env: Record<string, string>;
  dataSource: DataSource;
  drop(): Promise<void>;
}

let counter = 0;

// A fresh, empty database per test file, built by the real migrations (never synchronize).
export async function createTestDatabase(options: { engine?: TestEngine; migrate?: boolean } = {}): Promise<TestDatabase> {
  const engine = options.engine ?? testEngine();
  let config: DatabaseConfig;
  let env: Record<string, string>;
  let cleanup: () => Promise<void>;
  if (engine === 'mysql') {
    const base = new URL(testDatabaseUrl());
    const name = `${TEST_DB_PREFIX}${process.pid}_${++counter}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = await mysql.createConnection({ uri: base.toString() });
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
    await admin.end();
    const url = new URL(base.toString());
    url.pathname = `/${name}`;
    config = { engine: 'mysql', url: url.toString(), poolSize: 10 };
    env = { DATABASE_URL: url.toString() };
    cleanup = async () => {
      const conn = await mysql.createConnection({ uri: base.toString() });
      await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await conn.end();
    };
  } else {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'fanbase-test-'));
    config = { engine: 'sqlite', file: path.join(dir, 'fanbase.sqlite') };
    env = { DATA_DIR: dir };
    cleanup = async () => rmSync(dir, { recursive: true, force: true });
  }
  const dataSource = createDataSource(config);
  await dataSource.initialize();
  if (options.migrate !== false) await runMigrations(dataSource);
  return {
    engine,
    config,
    env,
    dataSource,
    async drop() {
      if (dataSource.isInitialized) await dataSource.destroy();
      await cleanup();
    },
  };
}

/**
 * Rows about pushes once their outcomes have landed: the callback writes a push's outcome (wechat_inbound_outcome)
 * just after answering WeChat (see server/src/wechat/callback/inbox.ts), so a test reading right after its
 * request waits, for up to 2 s, until every row's `status` (from a LEFT JOIN on the outcome) is there.
 */
export async function settledInbound<T extends { status: string | null }>(db: DataSource, sql: string, params: unknown[]): Promise<T[]> {
  for (let i = 0; ; i++) {
    const rows = (await db.query(sql, params)) as T[];
    if (i >= 40 || rows.every((r) => r.status !== null)) return rows;
    await new Promise((r) => setTimeout(r, 50));
  }
}
