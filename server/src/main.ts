import { buildApp } from './app';
import { ConfigError, loadConfig, type Config } from './config';
import { createDataSource, describeDatabase } from './db/data-source';
import { runMigrations } from './db/migrate';
import { seedDemo } from './demo/seed';

// Process entry: config → migrate (+ demo seed) → buildApp → listen → graceful close on SIGTERM/SIGINT.
export async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }

  const dataSource = createDataSource(config.database);
  await dataSource.initialize();
  await runMigrations(dataSource, (line) => console.log(line));
  const demo = config.demoSeed ? await seedDemo(dataSource, { publicUrl: config.publicUrl, timeZone: config.brandTimeZone }) : null;

  const app = await buildApp(config, { dataSource });
  if (config.jwtSecretIsEphemeral) {
    app.log.warn('JWT_SECRET is not set: using a per-process secret, so staff sign in again after a restart and only one instance can run');
  }

  let closing = false;
  const close = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      app.log.error('graceful shutdown timed out after 10 s');
      process.exit(1);
    }, 10_000);
    force.unref();
    try {
      await app.close();
      console.log(`Fanbase stopped (${signal})`);
      process.exit(0);
    } catch (err) {
      app.log.error({ err }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void close('SIGTERM'));
  process.once('SIGINT', () => void close('SIGINT'));

  await app.listen({ host: config.host, port: config.port });
  const base = config.publicUrl;
  const lines = [
    '',
    `Fanbase ${config.env === 'production' ? '' : `(${config.env}) `}is running on ${describeDatabase(config.database)}`,
    `  Admin console  ${base}/admin/`,
    `  Member H5      ${base}/h5/`,
    `  API docs       ${base}/docs`,
  ];
  if (demo?.password) lines.push(`  Demo sign-in   ${demo.usernames.join(', ')}  (password: ${demo.password})`);
  console.log(`${lines.join('\n')}\n`);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    console.error('Fanbase failed to start:', err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
