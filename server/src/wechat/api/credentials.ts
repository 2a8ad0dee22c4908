import { EntitySchema, type DataSource, type EntityManager } from 'typeorm';
import type { Clock } from '../../clock';
import { isDuplicateKey } from '../../db/errors';

export type CredentialName = 'access_token' | 'jsapi_ticket';

export interface CredentialRow {
  name: CredentialName;
  value: string | null;
  expiresAt: Date | null;
  refreshedAt: Date | null;
  refreshCount: number;
}

export const CredentialEntity = new EntitySchema<CredentialRow>({
  name: 'WechatCredential',
  tableName: 'wechat_credential',
  columns: {
    name: { type: 'varchar', length: 32, primary: true },
    value: { type: 'varchar', length: 1024, nullable: true },
    expiresAt: { type: 'datetime', precision: 3, nullable: true },
    refreshedAt: { type: 'datetime', precision: 3, nullable: true },
    refreshCount: { type: 'int', default: 0 },
  },
});

/** Fetches a new value; `previous` is the value just found stale, so the fetcher can force a new one. */
export type CredentialFetcher = (previous: string | null) => Promise<{ value: string; expiresIn: number }>;

// Refresh when less than this is left: stable_token guarantees callers at least 300 s (WECHAT.md 1.8).
const MARGIN_MS = 5 * 60 * 1000;

// The access token and JS-SDK ticket, shared through the database by every instance. One instance refreshes at
// a time (a row lock on MySQL; SQLite is one instance with one writer), the rest wait and read its result; in
// each process concurrent callers share one refresh. A value found stale by WeChat is invalidated only if it is
// still the stored one, so an instance that already refreshed is not undone by a late 40001.
export function createCredentialStore({ db, clock, fetchers }: { db: DataSource; clock: Clock; fetchers: Record<CredentialName, CredentialFetcher> }) {
  const inFlight = new Map<CredentialName, Promise<string>>();
  const lock = db.options.type === 'mysql' ? { lock: { mode: 'pessimistic_write' as const } } : {};
  const fresh = (row: CredentialRow | null): row is CredentialRow & { value: string } =>
    !!row?.value && !!row.expiresAt && row.expiresAt.getTime() - clock.now().getTime() > MARGIN_MS;

  async function ensureRow(m: EntityManager, name: CredentialName) {
    try {
      await m.insert(CredentialEntity, { name, value: null, expiresAt: null, refreshedAt: null, refreshCount: 0 });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  async function refresh(name: CredentialName): Promise<string> {
    await ensureRow(db.manager, name);
    return db.transaction(async (m) => {
      const row = await m.findOne(CredentialEntity, { where: { name }, ...lock });
      if (fresh(row)) return row.value;
      const { value, expiresIn } = await fetchers[name](row?.value ?? null);
      const now = clock.now();
      await m.update(CredentialEntity, { name }, { value, expiresAt: new Date(now.getTime() + expiresIn * 1000), refreshedAt: now, refreshCount: (row?.refreshCount ?? 0) + 1 });
      return value;
    });
  }

  return {
    async get(name: CredentialName): Promise<string> {
      const row = await db.getRepository(CredentialEntity).findOneBy({ name });
      if (fresh(row)) return row.value;
      let pending = inFlight.get(name);
      if (!pending) {
        pending = refresh(name).finally(() => inFlight.delete(name));
        inFlight.set(name, pending);
      }
      return pending;
    },

    /** Marks `value` stale if it is still the stored one (compare-and-invalidate). */
    async invalidate(name: CredentialName, value: string): Promise<void> {
      await db.getRepository(CredentialEntity).update({ name, value }, { expiresAt: null });
    },
  };
}

export type CredentialStore = ReturnType<typeof createCredentialStore>;
