// npm run seed: seed the demo brand, products, stores and staff logins (once; an existing brand is left alone).
import { loadConfig } from '../server/src/config';
import { createDataSource } from '../server/src/db/data-source';
import { runMigrations } from '../server/src/db/migrate';
import { seedDemo } from '../server/src/demo/seed';
import { runScript } from './lib/run';

runScript(async () => {
  const config = loadConfig();
  const db = createDataSource(config.database);
  await db.initialize();
  try {
    await runMigrations(db, (line) => console.log(line));
    const demo = await seedDemo(db, { publicUrl: config.publicUrl, timeZone: config.brandTimeZone });
    console.log(`demo staff: ${demo.usernames.join(', ')}${demo.password ? ` (password: ${demo.password})` : ''}`);
  } finally {
    await db.destroy();
  }
});
