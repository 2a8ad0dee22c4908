export const TEST_DB_PREFIX = 'fbt_';

export type TestEngine = 'mysql' | 'sqlite';

export function testDatabaseUrl(): string {
  return process.env['TEST_DATABASE_URL'] ?? 'mysql://root@127.0.0.1:3306/test';
}

// Set by global-setup.ts for every worker.
export function testEngine(): TestEngine {
  return process.env['FANBASE_TEST_ENGINE'] === 'mysql' ? 'mysql' : 'sqlite';
}

// For behaviour only MySQL has (row locks across connections, several instances on one database).
export const describeOnMysql: (title: string, fn: () => void) => void = (title, fn) =>
  (testEngine() === 'mysql' ? describe : describe.skip)(`[MySQL] ${title}`, fn);
