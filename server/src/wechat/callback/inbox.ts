import { randomBytes } from 'node:crypto';
import { EntitySchema, type DataSource, type EntityManager } from 'typeorm';
import type { Clock } from '../../clock';
import { createBatcher, ItemFailure } from '../../db/batcher';
import { rawQuery } from '../../db/raw';
import { dedupeKey, type InboundSink, type WechatPush } from './push';

export type InboundStatus = 'processing' | 'replied' | 'no_reply' | 'deferred' | 'failed';

export interface InboundRecord {
  id: string;
  dedupeKey: string;
  openId: string;
  msgType: string;
  event: string | null;
  msgId: string | null;
  wechatCreateTime: string;
  payload: Record<string, unknown>;
  status: InboundStatus;
  /** The passive reply's plaintext XML, so a retry gets the same answer. */
  reply: string | null;
  /** Written by the batch that inserted the row (see createInbox). */
  claimToken: string | null;
  receivedAt: Date;
  completedAt: Date | null;
}

const asString = { from: (v: unknown) => (v == null ? v : String(v)), to: (v: unknown) => v };

export const InboundRecordEntity = new EntitySchema<InboundRecord>({
  name: 'WechatInbound',
  tableName: 'wechat_inbound',
  columns: {
    id: { type: 'bigint', primary: true, generated: 'increment', transformer: asString },
    dedupeKey: { type: 'varchar', length: 191 },
    openId: { type: 'varchar', length: 64 },
    msgType: { type: 'varchar', length: 32 },
    event: { type: 'varchar', length: 64, nullable: true },
    msgId: { type: 'varchar', length: 32, nullable: true },
    wechatCreateTime: { type: 'bigint', transformer: asString },
    payload: { type: 'simple-json' },
    status: { type: 'varchar', length: 16 },
    reply: { type: 'text', nullable: true },
    claimToken: { type: 'varchar', length: 24, nullable: true },
    receivedAt: { type: 'datetime', precision: 3 },
    completedAt: { type: 'datetime', precision: 3, nullable: true },
  },
});

const MAX_BATCH = 64;

export type Claim = { fresh: true; id: string } | { fresh: false; reply: string | null };

interface Completion {
  id: string;
  status: Exclude<InboundStatus, 'processing'>;
  reply: string | null;
}

// The record of every push, and the gate that lets exactly one delivery of it through: the unique dedupe key is
// checked by the database, so concurrent retries on any number of instances race safely. Claims and completions
// are group-committed (db/batcher.ts): the pushes that arrive while one batch is being written are claimed
// together with one INSERT IGNORE, and RETURNING (MariaDB) or the token the batch wrote tells which rows are
// its own. A batch and the timeline hand-off of its pushes commit in one transaction; if it fails, each push is
// retried alone so one bad push cannot fail the others.
export function createInbox({
  db,
  clock,
  sinks,
  onError = (err) => console.error('wechat_inbound completion not written', err),
}: {
  db: DataSource;
  clock: Clock;
  sinks: readonly InboundSink[];
  onError?: (err: unknown, id: string) => void;
}) {
  // Hand-written SQL on this path: it runs for every push WeChat sends, and building it with TypeORM's query
  // builder cost more CPU than the rest of the callback together (npm run bench:callback).
  const mysql = db.options.type === 'mysql';
  const column = (property: keyof InboundRecord) => db.getMetadata(InboundRecordEntity).findColumnWithPropertyName(property)!;
  const dbTime = (property: 'receivedAt' | 'completedAt') => db.driver.preparePersistentValue(clock.now(), column(property)) as unknown;
  const COLUMNS = 'dedupe_key, open_id, msg_type, event, msg_id, wechat_create_time, payload, status, claim_token, received_at';
  const IGNORE = mysql ? 'INSERT IGNORE' : 'INSERT OR IGNORE';

  // On MariaDB 10.6+ a whole batch is one JSON parameter unpacked by JSON_TABLE, and INSERT … RETURNING names the
  // rows it inserted: one statement text whatever the batch size, one round trip, and no per-value encoding in
  // the driver. Elsewhere (MySQL, older MariaDB, SQLite) the batch is a multi-row VALUES list, then a SELECT.
  const BATCH_INSERT = `${IGNORE} INTO wechat_inbound (${COLUMNS}) SELECT j.k, j.o, j.t, j.e, j.m, j.c, j.p, 'processing', ?, ? FROM JSON_TABLE(?, '$[*]' COLUMNS (k VARCHAR(191) PATH '$[0]', o VARCHAR(64) PATH '$[1]', t VARCHAR(32) PATH '$[2]', e VARCHAR(64) PATH '$[3]', m VARCHAR(32) PATH '$[4]', c BIGINT PATH '$[5]', p MEDIUMTEXT PATH '$[6]')) j RETURNING id, dedupe_key`;
  const BATCH_COMPLETE = `UPDATE wechat_inbound w JOIN JSON_TABLE(?, '$[*]' COLUMNS (id BIGINT PATH '$[0]', s VARCHAR(16) PATH '$[1]', r MEDIUMTEXT PATH '$[2]')) j ON w.id = j.id SET w.status = j.s, w.reply = j.r, w.completed_at = ?`;
  const valuesOf = new Map<number, string>();
  const values = (count: number) => {
    let text = valuesOf.get(count);
    if (text === undefined) valuesOf.set(count, (text = Array.from({ length: count }, () => `(${Array.from({ length: 10 }, () => '?').join(', ')})`).join(', ')));
    return text;
  };

  const pooled = rawQuery(db);
  const pooledText = rawQuery(db, { prepared: false });
  const pending = new Map<string, Completion>();
  let jsonBatches: Promise<boolean> | null = null;
  const useJsonBatches = () =>
    (jsonBatches ??= mysql
      ? pooledText<{ v: string }[]>('SELECT VERSION() AS v', []).then(([row]) => {
          const m = /^(\d+)\.(\d+).*MariaDB/i.exec(row?.v ?? '');
          return !!m && (Number(m[1]) > 10 || (Number(m[1]) === 10 && Number(m[2]) >= 6));
        })
      : Promise.resolve(false));

  async function claimTogether(m: EntityManager | null, pushes: WechatPush[]): Promise<Claim[]> {
    const inTransaction = <T>(sql: string, params: unknown[]) => m!.query(sql, params) as Promise<T>;
    const query = m ? inTransaction : pooled;
    const rare = m ? inTransaction : pooledText;
    const token = randomBytes(12).toString('base64url');
    const keys = pushes.map(dedupeKey);
    // A retry that arrives in the same batch as its original is a duplicate of it, decided here.
    const firstIndex = new Map<string, number>();
    keys.forEach((key, i) => firstIndex.has(key) || firstIndex.set(key, i));
    const rows = [...firstIndex.values()].map((i) => {
      const push = pushes[i]!;
      return [keys[i]!, push.openId, push.msgType.slice(0, 32), push.event?.slice(0, 64) ?? null, push.msgId ?? null, push.createTime, JSON.stringify(push.fields)];
    });
    const now = dbTime('receivedAt');
    const inserted = new Map<string, string>();
    const existing = new Map<string, string | null>();
    if (await useJsonBatches()) {
      const returned = await query<{ id: number | string; dedupe_key: string }[]>(BATCH_INSERT, [token, now, JSON.stringify(rows)]);
      for (const r of returned) inserted.set(r.dedupe_key, String(r.id));
    } else {
      await query(`${IGNORE} INTO wechat_inbound (${COLUMNS}) VALUES ${values(rows.length)}`, rows.flatMap((r) => [...r, 'processing', token, now]));
    }
    const unresolved = [...firstIndex.keys()].filter((key) => !inserted.has(key));
    if (unresolved.length > 0) {
      const stored = await rare<{ id: number | string; k: string; t: string | null; reply: string | null }[]>(
        `SELECT id, dedupe_key AS k, claim_token AS t, reply FROM wechat_inbound WHERE dedupe_key IN (${unresolved.map(() => '?').join(', ')})`,
        unresolved,
      );
      for (const r of stored) (r.t === token ? inserted.set(r.k, String(r.id)) : existing.set(r.k, r.reply ?? pending.get(String(r.id))?.reply ?? null));
    }
    const claims = keys.map((key, i): Claim => {
      const id = inserted.get(key);
      if (id !== undefined && firstIndex.get(key) === i) return { fresh: true, id };
      if (id === undefined && !existing.has(key)) throw new Error(`wechat_inbound row for ${key} neither inserted nor found`);
      return { fresh: false, reply: existing.get(key) ?? null };
    });
    for (let i = 0; i < pushes.length; i++) if (claims[i]!.fresh) for (const sink of sinks) await sink.onPush(pushes[i]!, m!);
    return claims;
  }

  const claimBatch = async (pushes: WechatPush[]): Promise<(Claim | ItemFailure)[]> => {
    const run = (list: WechatPush[]) => (sinks.length > 0 ? db.transaction((m) => claimTogether(m, list)) : claimTogether(null, list));
    try {
      return await run(pushes);
    } catch (err) {
      if (pushes.length === 1) throw err;
      const one: (Claim | ItemFailure)[] = [];
      for (const push of pushes) one.push(await run([push]).then(([c]) => c!, (e: unknown) => new ItemFailure(e)));
      return one;
    }
  };

  const updates = new Map<number, string>();
  const completeBatch = async (items: Completion[]): Promise<void[]> => {
    if (await useJsonBatches()) {
      await pooled(BATCH_COMPLETE, [JSON.stringify(items.map((c) => [c.id, c.status, c.reply])), dbTime('completedAt')]);
      return items.map(() => undefined);
    }
    let sql = updates.get(items.length);
    if (sql === undefined) {
      const cases = `CASE id ${items.map(() => 'WHEN ? THEN ?').join(' ')} END`;
      updates.set(items.length, (sql = `UPDATE wechat_inbound SET status = ${cases}, reply = ${cases}, completed_at = ? WHERE id IN (${items.map(() => '?').join(', ')})`));
    }
    const params: unknown[] = [];
    for (const c of items) params.push(c.id, c.status);
    for (const c of items) params.push(c.id, c.reply);
    params.push(dbTime('completedAt'));
    for (const c of items) params.push(c.id);
    await pooled(sql, params);
    return items.map(() => undefined);
  };

  // At most 64 rows a statement: without JSON_TABLE each batch size is its own prepared statement on each
  // connection. SQLite has one connection, which holds one transaction at a time.
  const claim = createBatcher(claimBatch, { maxBatch: MAX_BATCH, parallel: mysql ? 4 : 1 });

  // Completions are written behind the reply: WeChat has its answer as soon as the handler has one, and the
  // record follows within one round trip, batched with the others. Until it lands, a retry on this instance
  // reads the reply from `pending`; WeChat's own retries come seconds later, long after it has landed.
  const writing = new Set<Promise<void>>();
  const write = createBatcher(completeBatch, { parallel: 1, maxBatch: MAX_BATCH });

  return {
    claim,
    /** Records how a push ended; returns at once (see `settle`). */
    complete(id: string, status: Completion['status'], reply: string | null = null): void {
      const completion = { id, status, reply };
      pending.set(id, completion);
      const done: Promise<void> = write(completion)
        .catch((err: unknown) => onError(err, id))
        .finally(() => {
          if (pending.get(id) === completion) pending.delete(id);
          writing.delete(done);
        });
      writing.add(done);
    },
    /** Resolves once every completion recorded so far is written (graceful shutdown, tests). */
    async settle(): Promise<void> {
      while (writing.size > 0) await Promise.all([...writing]);
    },
  };
}

export type Inbox = ReturnType<typeof createInbox>;
