import { Health, Overview, Readiness } from '@fanbase/shared/contracts/system';
import { ErrorBody } from '@fanbase/shared/contracts/common';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { DataSource } from 'typeorm';
import { pendingMigrations } from '../../db/migrate';
import { AppError } from '../../errors';
import type { CatalogueService } from '../catalogue/service';
import type { StaffService } from '../staff/service';

const READINESS_TIMEOUT_MS = 2000;

export function healthRoutes({ db }: { db: DataSource }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/healthz', { schema: { tags: ['system'], summary: 'The process is up', response: { 200: Health } } }, async () => ({ status: 'ok' as const }));

    // For load balancers: 503 while the database is unreachable or the schema is behind the code. The pool
    // reconnects on its own, so readiness returns without a restart once the database is back.
    app.get(
      '/readyz',
      { schema: { tags: ['system'], summary: 'The database is reachable and migrated', response: { 200: Readiness, 503: ErrorBody } } },
      async (request) => {
        let pending: string[];
        try {
          pending = await withTimeout(
            db.query('SELECT 1').then(() => pendingMigrations(db)),
            READINESS_TIMEOUT_MS,
          );
        } catch (err) {
          request.log.warn({ err: (err as Error).message }, 'readiness: database unreachable');
          throw new AppError('NOT_READY', 'The database is unreachable');
        }
        if (pending.length > 0) throw new AppError('NOT_READY', `Migrations not applied: ${pending.join(', ')}`);
        return { status: 'ready' as const, database: db.options.type === 'mysql' ? 'mysql' : 'sqlite', migrations: 'current' as const };
      },
    );
  };
}

export function overviewRoutes(deps: { db: DataSource; catalogue: CatalogueService; staff: StaffService; timeZone: string; version: string }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/overview',
      {
        onRequest: app.requireStaff(),
        schema: { tags: ['system'], summary: 'Brand, catalogue and staff at a glance', security: [{ staffJwt: [] }], response: { 200: Overview } },
      },
      async (request) => {
        const [brand, counts, staff] = await Promise.all([deps.catalogue.brand(), deps.catalogue.counts(), deps.staff.count()]);
        const { sessionId: _session, ...me } = request.staff!;
        return {
          brand,
          me,
          counts: { ...counts, staff: staff.total, activeStaff: staff.active },
          system: { database: deps.db.options.type === 'mysql' ? 'MySQL' : 'SQLite', timeZone: deps.timeZone, version: deps.version },
        };
      },
    );
  };
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
