import type { DataSource } from 'typeorm';
import { migrations } from '../../migrations';
import { runMigrations } from '../../server/src/db/migrate';
import { AuditRecordEntity } from '../../server/src/modules/audit/entities';
import { StaffEntity } from '../../server/src/modules/staff/entities';
import { createStaff, createStore } from '../support/app';
import { createTestDatabase } from '../support/database';
import { describeOnMysql, type TestEngine } from '../support/engine';

const TABLES = ['audit_log', 'auto_reply_rule', 'brand', 'login_throttle', 'menu_draft', 'menu_version', 'product_model', 'staff', 'staff_session', 'store', 'wechat_credential', 'wechat_inbound', 'wechat_inbound_outcome'];

async function tableNames(ds: DataSource): Promise<string[]> {
  const rows =
    ds.options.type === 'mysql'
      ? ((await ds.query("SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME <> 'migrations'")) as { name: string }[])
      : ((await ds.query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('migrations', 'sqlite_sequence')")) as { name: string }[]);
  return rows.map((r) => r.name).sort();
}

// The same migrations must build a working schema on both engines: run here on each, whatever the suite's engine.
function migrationSpec(engine: TestEngine) {
  it('builds every table from an empty database, and running again changes nothing', async () => {
    const db = await createTestDatabase({ engine, migrate: false });
    try {
      expect(await runMigrations(db.dataSource)).toEqual(migrations.map((m) => m.name));
      expect(await tableNames(db.dataSource)).toEqual(TABLES);
      expect(await runMigrations(db.dataSource)).toEqual([]);
    } finally {
      await db.drop();
    }
  });

  it('gives a schema the app can use: constraints hold and emoji survive a round trip', async () => {
    const db = await createTestDatabase({ engine });
    try {
      const storeId = await createStore(db.dataSource);
      await createStaff(db.dataSource, { username: 'emoji', role: 'store', storeId, displayName: '小光 📷✨' });
      const staff = await db.dataSource.getRepository(StaffEntity).findOneByOrFail({ username: 'emoji' });
      expect(staff.displayName).toBe('小光 📷✨');
      expect(staff.active).toBe(true);
      expect(staff.createdAt).toBeInstanceOf(Date);
      const audit = await db.dataSource.getRepository(AuditRecordEntity).findOneByOrFail({ action: 'staff.create' });
      expect(typeof audit.id).toBe('string');
      await expect(createStaff(db.dataSource, { username: 'emoji', role: 'ops' })).rejects.toMatchObject({ code: 'STAFF_USERNAME_TAKEN' });
      // A staff row pointing at a missing store violates the foreign key.
      await expect(
        db.dataSource.getRepository(StaffEntity).insert({ ...staff, id: undefined as never, username: 'orphan', storeId: 99999 }),
      ).rejects.toThrow();
    } finally {
      await db.drop();
    }
  });

  it('reverts cleanly, and migrates up again', async () => {
    const db = await createTestDatabase({ engine });
    try {
      for (let i = 0; i < migrations.length; i++) await db.dataSource.undoLastMigration({ transaction: 'each' });
      expect(await tableNames(db.dataSource)).toEqual([]);
      await runMigrations(db.dataSource);
      expect(await tableNames(db.dataSource)).toEqual(TABLES);
    } finally {
      await db.drop();
    }
  });
}

describe('migrations on SQLite', () => migrationSpec('sqlite'));

describeOnMysql('migrations on MariaDB/MySQL', () => {
  migrationSpec('mysql');

  it('creates every table and text column in utf8mb4', async () => {
    const db = await createTestDatabase({ engine: 'mysql' });
    try {
      const tables = (await db.dataSource.query(
        'SELECT TABLE_NAME AS name, TABLE_COLLATION AS collation FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()',
      )) as { name: string; collation: string }[];
      expect(tables.filter((t) => !t.collation.startsWith('utf8mb4_'))).toEqual([]);
      const columns = (await db.dataSource.query(
        'SELECT TABLE_NAME AS t, COLUMN_NAME AS c, CHARACTER_SET_NAME AS cs FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND CHARACTER_SET_NAME IS NOT NULL',
      )) as { t: string; c: string; cs: string }[];
      expect(columns.length).toBeGreaterThan(20);
      expect(columns.filter((c) => c.cs !== 'utf8mb4')).toEqual([]);
    } finally {
      await db.drop();
    }
  });

  it('lets one of several instances migrate while the others wait, then find nothing to do', async () => {
    const db = await createTestDatabase({ engine: 'mysql', migrate: false });
    const { createDataSource } = await import('../../server/src/db/data-source');
    const others = [createDataSource(db.config), createDataSource(db.config)];
    try {
      await Promise.all(others.map((ds) => ds.initialize()));
      const applied = await Promise.all([db.dataSource, ...others].map((ds) => runMigrations(ds)));
      expect(applied.map((a) => a.length).sort()).toEqual([0, 0, migrations.length]);
      expect(await tableNames(db.dataSource)).toEqual(TABLES);
    } finally {
      await Promise.all(others.map((ds) => ds.destroy()));
      await db.drop();
    }
  });
});
