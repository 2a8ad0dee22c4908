import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { DataSource } from 'typeorm';

// Opens the DataSource with the app and closes it with the app. Services receive the DataSource explicitly;
// the decorator exists for infrastructure routes (readiness) only.
declare module 'fastify' {
  interface FastifyInstance {
    db: DataSource;
  }
}

export const databasePlugin = fp(
  async (app: FastifyInstance, { dataSource }: { dataSource: DataSource }) => {
    if (!dataSource.isInitialized) await dataSource.initialize();
    app.decorate('db', dataSource);
    app.addHook('onClose', async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
    });
  },
  { name: 'database' },
);
