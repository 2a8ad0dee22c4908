import { EntitySchema, type DataSource } from 'typeorm';
import type { Clock } from '../../clock';
import { isDuplicateKey } from '../../db/errors';
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
    receivedAt: { type: 'datetime', precision: 3 },
    completedAt: { type: 'datetime', precision: 3, nullable: true },
  },
});

export type Claim = { fresh: true; id: string } | { fresh: false; reply: string | null };

// The record of every push, and the gate that lets exactly one delivery of it through: the unique dedupe
// key is checked by the database, so concurrent retries on any number of instances race safely.
export function createInbox({ db, clock, sinks }: { db: DataSource; clock: Clock; sinks: readonly InboundSink[] }) {
  const repo = () => db.getRepository(InboundRecordEntity);
  return {
    async claim(push: WechatPush): Promise<Claim> {
      const key = dedupeKey(push);
      try {
        const id = await db.transaction(async (m) => {
          const result = await m.insert(InboundRecordEntity, {
            dedupeKey: key,
            openId: push.openId,
            msgType: push.msgType.slice(0, 32),
            event: push.event?.slice(0, 64) ?? null,
            msgId: push.msgId ?? null,
            wechatCreateTime: push.createTime,
            payload: push.fields,
            status: 'processing',
            reply: null,
            receivedAt: clock.now(),
            completedAt: null,
          });
          for (const sink of sinks) await sink.onPush(push, m);
          return String(result.identifiers[0]!['id']);
        });
        return { fresh: true, id };
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        const first = await repo().findOneBy({ dedupeKey: key });
        return { fresh: false, reply: first?.reply ?? null };
      }
    },

    async complete(id: string, status: Exclude<InboundStatus, 'processing'>, reply: string | null = null): Promise<void> {
      await repo().update({ id }, { status, reply, completedAt: clock.now() });
    },
  };
}

export type Inbox = ReturnType<typeof createInbox>;
