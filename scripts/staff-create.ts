// npm run staff:create -- --username alice --role support [--display-name 爱丽丝] [--store SH-JA] [--password-stdin]
// Without --password-stdin a strong password is generated and printed once.
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { STAFF_ROLES, type StaffRole } from '@fanbase/shared/roles';
import { systemClock } from '../server/src/clock';
import { loadConfig } from '../server/src/config';
import { createDataSource } from '../server/src/db/data-source';
import { runMigrations } from '../server/src/db/migrate';
import { AppError } from '../server/src/errors';
import { createAuditLog, SYSTEM_ACTOR } from '../server/src/modules/audit/service';
import { StoreEntity } from '../server/src/modules/catalogue/entities';
import { createStaffService } from '../server/src/modules/staff/service';
import { runScript } from './lib/run';

const USAGE = 'usage: npm run staff:create -- --username <name> --role <admin|support|ops|store> [--display-name <name>] [--store <id or code>] [--password-stdin]';

runScript(async () => {
  const { values } = parseArgs({
    options: {
      username: { type: 'string' },
      role: { type: 'string' },
      'display-name': { type: 'string' },
      store: { type: 'string' },
      'password-stdin': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const { username, role } = values;
  if (!username || !role) throw new Error(`--username and --role are required\n${USAGE}`);
  if (!(STAFF_ROLES as readonly string[]).includes(role)) throw new Error(`--role must be one of ${STAFF_ROLES.join(', ')}\n${USAGE}`);
  const password = values['password-stdin'] ? (await readStdin()).replace(/\r?\n$/, '') : randomBytes(12).toString('base64url');

  const config = loadConfig();
  const db = createDataSource(config.database);
  await db.initialize();
  try {
    await runMigrations(db);
    let storeId: number | null = null;
    if (values.store) {
      const store = await db.getRepository(StoreEntity).findOneBy(/^\d+$/.test(values.store) ? { id: Number(values.store) } : { code: values.store });
      if (!store) throw new Error(`store "${values.store}" not found (give its id or code)`);
      storeId = store.id;
    }
    const audit = createAuditLog({ db, clock: systemClock });
    const staff = createStaffService({ db, clock: systemClock, audit, jwtSecret: config.jwtSecret, tokenTtlSeconds: config.staffTokenTtlSeconds, throttle: config.loginThrottle });
    const created = await staff
      .create({ username, role: role as StaffRole, displayName: values['display-name'] ?? username, storeId, password }, { ...SYSTEM_ACTOR, name: 'cli:staff:create' })
      .catch((err: unknown) => {
        throw err instanceof AppError ? new Error(`${err.code}: ${err.message}`) : err;
      });
    console.log(`created staff #${created.id} ${created.username} (${created.role}${created.storeName ? `, ${created.storeName}` : ''})`);
    if (!values['password-stdin']) console.log(`password: ${password}  (shown once: store it now)`);
  } finally {
    await db.destroy();
  }
});

function readStdin(): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    process.stdin.setEncoding('utf8');
    process.stdin.on('data', (chunk) => (data += chunk));
    process.stdin.on('end', () => resolve(data));
    process.stdin.on('error', reject);
  });
}
