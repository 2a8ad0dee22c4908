// npm run migrate: apply pending migrations to the configured database (DATABASE_URL, or the embedded SQLite file).
import { loadConfig } from '../server/src/config';
import { createDataSource, describeDatabase } from '../server/src/db/data-source';
import { runMigrations } from '../server/src/db/migrate';
import { runScript } from './lib/run';

runScript(async () => {
  const config = loadConfig();
  const db = createDataSource(config.database);
  await db.initialize();
  try {
    const applied = await runMigrations(db, (line) => console.log(line));
    console.log(`${describeDatabase(config.database)}: ${applied.length === 0 ? 'schema already current' : `${applied.length} migration(s) applied`}`);
  } finally {
    await db.destroy();
  }
});
