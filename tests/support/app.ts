import { createServer, type AddressInfo } from 'node:net';
import type { StaffRole } from '@fanbase/shared/roles';
import type { DataSource } from 'typeorm';
import { buildApp, type App, type AppOverrides } from '../../server/src/app';
import { loadConfig, type Config } from '../../server/src/config';
import { createDataSource } from '../../server/src/db/data-source';
import { systemClock, type Clock } from '../../server/src/clock';
import { SYSTEM_ACTOR, createAuditLog } from '../../server/src/modules/audit/service';
import { StoreEntity } from '../../server/src/modules/catalogue/entities';
import { createStaffService } from '../../server/src/modules/staff/service';
import { createTestDatabase, type TestDatabase } from './database';

export const TEST_JWT_SECRET = 'test-secret-0123456789-abcdefghijklmnopqrstuvwxyz';
export const TEST_PASSWORD = 'correct-horse-battery';

export interface TestApp {
  app: App;
  db: TestDatabase;
  config: Config;
  close(): Promise<void>;
}

export function testConfig(db: TestDatabase, env: Record<string, string> = {}): Config {
  // No demo menu is published on listen unless a test asks for it (DEMO_SEED=true).
  return loadConfig({ NODE_ENV: 'test', JWT_SECRET: TEST_JWT_SECRET, DEMO_SEED: 'false', ...db.env, ...env });
}

// The real app on a fresh migrated database, called with app.inject().
// With `listen`, it also serves HTTP on a free port that PUBLIC_URL names, so the WeChat API client reaches the
// sandbox (mounted in the same app) over HTTP as it reaches WeChat.
export async function startTestApp(
  options: { clock?: Clock; env?: Record<string, string>; db?: TestDatabase; wechat?: AppOverrides['wechat']; listen?: boolean } = {},
): Promise<TestApp> {
  const db = options.db ?? (await createTestDatabase());
  const port = options.listen ? await freePort() : 0;
  const config = testConfig(db, { ...(options.listen ? { PUBLIC_URL: `http://127.0.0.1:${port}` } : {}), ...options.env });
  const app = await buildApp(config, { dataSource: db.dataSource, clock: options.clock ?? systemClock, ...(options.wechat ? { wechat: options.wechat } : {}) });
  if (options.listen) await app.listen({ host: '127.0.0.1', port });
  else await app.ready();
  return {
    app,
    db,
    config,
    async close() {
      await app.close();
      if (!options.db) await db.drop();
    },
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

// A second instance of the app on the same database (its own connection pool), as behind a load balancer.
export async function startSecondInstance(first: TestApp, clock?: Clock, overrides: Omit<AppOverrides, 'dataSource' | 'clock'> = {}): Promise<App> {
  const dataSource = createDataSource(first.db.config);
  const app = await buildApp(first.config, { ...overrides, dataSource, clock: clock ?? systemClock });
  await app.ready();
  return app;
}

export async function createStaff(
  db: DataSource,
  input: { username: string; role: StaffRole; password?: string; storeId?: number | null; displayName?: string },
) {
  const audit = createAuditLog({ db, clock: systemClock });
  const service = createStaffService({ db, clock: systemClock, audit, jwtSecret: TEST_JWT_SECRET, tokenTtlSeconds: 3600, throttle: { perUser: 5, perIp: 30, windowSeconds: 900 } });
  return service.create(
    { username: input.username, role: input.role, displayName: input.displayName ?? input.username, storeId: input.storeId ?? null, password: input.password ?? TEST_PASSWORD },
    { ...SYSTEM_ACTOR, name: 'test' },
  );
}

export async function createStore(db: DataSource, code = 'SH-01') {
  const now = new Date();
  const result = await db.getRepository(StoreEntity).insert({
    code,
    name: `门店 ${code}`,
    city: '上海',
    address: '上海市静安区南京西路 1 号',
    latitude: '31.228640',
    longitude: '121.452630',
    phone: null,
    openingHours: null,
    services: ['repair'],
    active: true,
    createdAt: now,
    updatedAt: now,
  });
  return Number(result.identifiers[0]!['id']);
}

export async function login(app: App, username: string, password = TEST_PASSWORD, ip = '198.51.100.7'): Promise<string> {
  const res = await app.inject({ method: 'POST', url: '/api/admin/auth/login', payload: { username, password }, remoteAddress: ip });
  if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
  return (res.json() as { token: string }).token;
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

// A clock tests can move.
export class TestClock implements Clock {
  constructor(private current = new Date('2026-11-22T08:00:00.000Z')) {}
  now(): Date {
    return new Date(this.current);
  }
  advance(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}
