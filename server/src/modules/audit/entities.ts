import { EntitySchema } from 'typeorm';

export type ActorType = 'staff' | 'member' | 'system';

export interface AuditRecord {
  id: string;
  at: Date;
  actorType: ActorType;
  actorId: string | null;
  actorName: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: Record<string, unknown> | null;
}

export const AuditRecordEntity = new EntitySchema<AuditRecord>({
  name: 'AuditRecord',
  tableName: 'audit_log',
  columns: {
    // BIGINT ids are strings on every engine (mysql2 returns strings, better-sqlite3 numbers).
    id: { type: 'bigint', primary: true, generated: 'increment', transformer: { from: (v: unknown) => (v == null ? v : String(v)), to: (v: unknown) => v } },
    at: { type: 'datetime', precision: 3 },
    actorType: { type: 'varchar', length: 16 },
    actorId: { type: 'varchar', length: 64, nullable: true },
    actorName: { type: 'varchar', length: 64, nullable: true },
    action: { type: 'varchar', length: 64 },
    targetType: { type: 'varchar', length: 32, nullable: true },
    targetId: { type: 'varchar', length: 64, nullable: true },
    ip: { type: 'varchar', length: 45, nullable: true },
    userAgent: { type: 'varchar', length: 255, nullable: true },
    requestId: { type: 'varchar', length: 64, nullable: true },
    details: { type: 'simple-json', nullable: true },
  },
});
