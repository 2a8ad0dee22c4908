import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import mysql from 'mysql2/promise';
import { ensureFrontendBuilt } from '../../scripts/lib/frontend-build';
import { TEST_DB_PREFIX, testDatabaseUrl } from './engine';

// Decides once per run which engine the API tests use: the MySQL at TEST_DATABASE_URL (default: the local
// MariaDB) when reachable, else SQLite with the MySQL-only tests skipped and named. CI sets
// FANBASE_TEST_REQUIRE_MYSQL=1 so a missing server fails the run instead of quietly testing less.
export default async function globalSetup(): Promise<void> {
  const url = testDatabaseUrl();
  try {
    const conn = await mysql.createConnection({ uri: url, connectTimeout: 3000 });
    try {
      // Databases left by an interrupted earlier run: those whose creating worker (its pid is in the name) is
      // gone. A run going on beside this one on the same server keeps its databases.
      const rows = (await conn.query(`SHOW DATABASES LIKE '${TEST_DB_PREFIX}%'`))[0] as Record<string, string>[];
      for (const row of rows) {
        const name = Object.values(row)[0]!;
        if (!workerAlive(name)) await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
      }
    } finally {
      await conn.end();
    }
    process.env['FANBASE_TEST_ENGINE'] = 'mysql';
  } catch (err) {
    const where = new URL(url);
    if (process.env['FANBASE_TEST_REQUIRE_MYSQL'] === '1') {
      throw new Error(`MySQL is required (FANBASE_TEST_REQUIRE_MYSQL=1) but ${where.host} is not reachable: ${(err as Error).message}`);
    }
    process.env['FANBASE_TEST_ENGINE'] = 'sqlite';
    console.log(`\nMySQL not reachable at ${where.host}: running on SQLite, skipping the MySQL-only tests: ${mysqlOnlyTitles().join('; ')}`);
  }
  const chromium = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  if (!existsSync(chromium) && process.env['FANBASE_TEST_REQUIRE_BROWSER'] !== '1') {
    console.log(`\nChromium not found at ${chromium}: skipping the browser tests (apt-get install -y chromium to run them)`);
  }
  // The browser and bundle tests need h5/dist; FANBASE_SKIP_BUILD=1 skips the check for quick API-only runs.
  if (process.env['FANBASE_SKIP_BUILD'] !== '1') ensureFrontendBuilt((line) => console.log(`\n${line}`));
}

function workerAlive(database: string): boolean {
  const pid = Number(database.slice(TEST_DB_PREFIX.length).split('_')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function mysqlOnlyTitles(): string[] {
  const titles: string[] = [];
  const visit = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(file);
      else if (file.endsWith('.test.ts')) {
        for (const m of readFileSync(file, 'utf8').matchAll(/describeOnMysql\(\s*'([^']+)'/g)) titles.push(m[1]!);
      }
    }
  };
  visit(path.join(__dirname, '..'));
  return titles;
}
