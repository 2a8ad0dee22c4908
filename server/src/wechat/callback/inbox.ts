import { randomBytes } from 'node:crypto';
import { EntitySchema, type DataSource, type EntityManager } from 'typeorm';
import type { Clock } from '../../clock';
import { createBatcher, ItemFailure } from '../../db/batcher';
import { rawQuery } from '../../db/raw';
import { dedupeKey, type InboundSink, type WechatPush } from './push';

/** How a push ended; a push without an outcome row is still being handled (or its process died doing so). */
export type InboundStatus = 'replied' | 'no_reply' | 'deferred' | 'failed';

export interface InboundRecord {
  id: string;
  dedupeKey: string;
  openId: string;
  msgType: string;
  event: string | null;
  msgId: string | null;
  wechatCreateTime: string;
  payload: Record<string, unknown>;
  /** Written by the batch that inserted the row (see createInbox). */
  claimToken: string | null;
  receivedAt: Date;
}

export interface InboundOutcome {
  inboundId: string;
  status: InboundStatus;
  /** The passive reply's plaintext XML, so a retry gets the same answer. */
  reply: string | null;
  completedAt: Date;
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
    claimToken: { type: 'varchar', length: 24, nullable: true },
    receivedAt: { type: 'datetime', precision: 3 },
  },
});

export const InboundOutcomeEntity = new EntitySchema<InboundOutcome>({
  name: 'WechatInboundOutcome',
  tableName: 'wechat_inbound_outcome',
  columns: {
    inboundId: { type: 'bigint', primary: true, transformer: asString },
    status: { type: 'varchar', length: 16 },
    reply: { type: 'text', nullable: true },
    completedAt: { type: 'datetime', precision: 3 },
  },
});

const MAX_BATCH = 64;

export type Claim = { fresh: true; id: string } | { fresh: false; reply: string | null };

interface Completion {
  id: string;
  status: InboundStatus;
  reply: string | null;
}

// The record of every push (written once, never updated; how it ended goes to wechat_inbound_outcome), and the
// gate that lets exactly one delivery of it through: the unique dedupe key is
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
  const receivedAt = () => db.getMetadata(InboundRecordEntity).findColumnWithPropertyName('receivedAt')!;
  const dbTime = () => db.driver.preparePersistentValue(clock.now(), receivedAt()) as unknown;
  const COLUMNS = 'dedupe_key, open_id, msg_type, event, msg_id, wechat_create_time, payload, claim_token, received_at';
  const IGNORE = mysql ? 'INSERT IGNORE' : 'INSERT OR IGNORE';

  // On MariaDB 10.6+ a whole batch is one JSON parameter unpacked by JSON_TABLE, and INSERT … RETURNING names the
  // rows it inserted: one statement text whatever the batch size, one round trip, and no per-value encoding in
  // the driver. Elsewhere (MySQL, older MariaDB, SQLite) the batch is a multi-row VALUES list, then a SELECT.
  const BATCH_INSERT = `${IGNORE} INTO wechat_inbound (${COLUMNS}) SELECT j.k, j.o, j.t, j.e, j.m, j.c, j.p, ?, ? FROM JSON_TABLE(?, '$[*]' COLUMNS (k VARCHAR(191) PATH '$[0]', o VARCHAR(64) PATH '$[1]', t VARCHAR(32) PATH '$[2]', e VARCHAR(64) PATH '$[3]', m VARCHAR(32) PATH '$[4]', c BIGINT PATH '$[5]', p MEDIUMTEXT PATH '$[6]')) j RETURNING id, dedupe_key`;
  const BATCH_COMPLETE = `INSERT INTO wechat_inbound_outcome (inbound_id, status, reply, completed_at) SELECT j.i, j.s, j.r, ? FROM JSON_TABLE(?, '$[*]' COLUMNS (i BIGINT PATH '$[0]', s VARCHAR(16) PATH '$[1]', r MEDIUMTEXT PATH '$[2]')) j`;
  const valuesOf = new Map<string, string>();
  const values = (count: number, width: number) => {
    const key = `${count}x${width}`;
    let text = valuesOf.get(key);
    if (text === undefined) valuesOf.set(key, (text = Array.from({ length: count }, () => `(${Array.from({ length: width }, () => '?').join(', ')})`).join(', ')));
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
    const now = dbTime();
    const inserted = new Map<string, string>();
    const existing = new Map<string, string | null>();
    if (await useJsonBatches()) {
      const returned = await query<{ id: number | string; dedupe_key: string }[]>(BATCH_INSERT, [token, now, JSON.stringify(rows)]);
      for (const r of returned) inserted.set(r.dedupe_key, String(r.id));
    } else {
      await query(`${IGNORE} INTO wechat_inbound (${COLUMNS}) VALUES ${values(rows.length, 9)}`, rows.flatMap((r) => [...r, token, now]));
    }
    const unresolved = [...firstIndex.keys()].filter((key) => !inserted.has(key));
    if (unresolved.length > 0) {
      const stored = await rare<{ id: number | string; k: string; t: string | null; reply: string | null }[]>(
        `SELECT i.id, i.dedupe_key AS k, i.claim_token AS t, o.reply FROM wechat_inbound i LEFT JOIN wechat_inbound_outcome o ON o.inbound_id = i.id WHERE i.dedupe_key IN (${unresolved.map(() => '?').join(', ')})`,
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

  // SQLite's one connection would run an outcome write inside a claim's open transaction (and roll it back with
  // it): there, the two take turns.
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = <T>(fn: () => Promise<T>): Promise<T> => {
    if (mysql) return fn();
    const next = turn.then(fn, fn);
    turn = next.catch(() => undefined);
    return next;
  };

  const claimBatch = async (pushes: WechatPush[]): Promise<(Claim | ItemFailure)[]> => {
    const run = (list: WechatPush[]) => (sinks.length > 0 ? inTurn(() => db.transaction((m) => claimTogether(m, list))) : claimTogether(null, list));
    try {
      return await run(pushes);
    } catch (err) {
      if (pushes.length === 1) throw err;
      const one: (Claim | ItemFailure)[] = [];
      for (const push of pushes) one.push(await run([push]).then(([c]) => c!, (e: unknown) => new ItemFailure(e)));
      return one;
    }
  };

  const completeBatch = async (items: Completion[]): Promise<void[]> => {
    if (await useJsonBatches()) {
      await pooled(BATCH_COMPLETE, [dbTime(), JSON.stringify(items.map((c) => [c.id, c.status, c.reply]))]);
    } else {
      const now = dbTime();
      await inTurn(() => pooled(`INSERT INTO wechat_inbound_outcome (inbound_id, status, reply, completed_at) VALUES ${values(items.length, 4)}`, items.flatMap((c) => [c.id, c.status, c.reply, now])));
    }
    return items.map(() => undefined);
  };

  // At most 64 rows a statement: without JSON_TABLE each batch size is its own prepared statement on each
  // connection. SQLite has one connection, which holds one transaction at a time.
  const claim = createBatcher(claimBatch, { maxBatch: MAX_BATCH, parallel: mysql ? 4 : 1 });

  // Outcomes are written behind the reply: WeChat has its answer as soon as the handler has one, and the
  // outcome row follows within one round trip, batched with the others. Until it lands, a retry on this instance
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
