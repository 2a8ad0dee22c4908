import { createDataSource } from '../../server/src/db/data-source';
import { startTestApp, type TestApp } from '../support/app';
import { createTestDatabase } from '../support/database';
import { describeOnMysql } from '../support/engine';
import { startTcpProxy } from '../support/tcp-proxy';

describe('health and readiness', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('reports the process up at /healthz', async () => {
    const res = await t.app.inject({ url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('reports ready at /readyz when the database answers and the schema is current', async () => {
    const res = await t.app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ready', database: t.db.engine, migrations: 'current' });
  });

  it('reports 503 at /readyz while a migration is missing, naming it', async () => {
    const rows = (await t.db.dataSource.query('SELECT id, timestamp, name FROM migrations ORDER BY id')) as { id: number; timestamp: string; name: string }[];
    const last = rows[rows.length - 1]!;
    await t.db.dataSource.query('DELETE FROM migrations WHERE id = ?', [last.id]);
    try {
      const res = await t.app.inject({ url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({ statusCode: 503, code: 'NOT_READY', message: `Migrations not applied: ${last.name}` });
    } finally {
      await t.db.dataSource.query('INSERT INTO migrations (id, timestamp, name) VALUES (?, ?, ?)', [last.id, last.timestamp, last.name]);
    }
    expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });
});

describeOnMysql('readiness through a database outage', () => {
  it('is 503 while MySQL is unreachable and 200 again once it is back, without a restart', async () => {
    const db = await createTestDatabase();
    const url = new URL(db.config.engine === 'mysql' ? db.config.url : '');
    const proxy = await startTcpProxy(url.hostname, Number(url.port || 3306));
    const viaProxy = new URL(url.toString());
    viaProxy.hostname = '127.0.0.1';
    viaProxy.port = String(proxy.port);
    const dataSource = createDataSource({ engine: 'mysql', url: viaProxy.toString(), poolSize: 2 });
    const t = await startTestApp({ db: { ...db, dataSource, config: { engine: 'mysql', url: viaProxy.toString(), poolSize: 2 } } });
    try {
      expect((await t.app.inject({ url: '/readyz' })).statusCode).toBe(200);

      await proxy.cut();
      const down = await t.app.inject({ url: '/readyz' });
      expect(down.statusCode).toBe(503);
      expect(down.json()).toMatchObject({ code: 'NOT_READY', message: 'The database is unreachable' });
      expect((await t.app.inject({ url: '/healthz' })).statusCode).toBe(200);

      await proxy.restore();
      let status = 0;
      // The pool notices the dead connections on use and opens new ones; allow it a few attempts.
      for (let attempt = 0; attempt < 10 && status !== 200; attempt++) {
        status = (await t.app.inject({ url: '/readyz' })).statusCode;
        if (status !== 200) await new Promise((r) => setTimeout(r, 200));
      }
      expect(status).toBe(200);
    } finally {
      await t.close();
      await proxy.close();
      await db.drop();
    }
  });
});
