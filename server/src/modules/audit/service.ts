import type { AuditEntry, AuditListQuery } from '@fanbase/shared/contracts/audit';
import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../../clock';
import { LIKE_ESCAPE, prefixPattern } from '../../db/like';
import { AuditRecordEntity, type ActorType, type AuditRecord } from './entities';

// Who did it and from where: built once per request (see actorFromRequest) and passed to services.
export interface Actor {
  type: ActorType;
  id: string | null;
  name: string | null;
  ip?: string | null;
  userAgent?: string | null;
  requestId?: string | null;
}

export const SYSTEM_ACTOR: Actor = { type: 'system', id: null, name: 'system' };

export interface AuditEvent {
  action: string;
  targetType?: string;
  targetId?: string | number | null;
  details?: Record<string, unknown>;
}

export type AuditLog = ReturnType<typeof createAuditLog>;

export function createAuditLog({ db, clock }: { db: DataSource; clock: Clock }) {
  return {
    // Pass the transaction's manager so the audit row commits or rolls back with the change it describes.
    async record(actor: Actor, event: AuditEvent, manager: EntityManager = db.manager): Promise<void> {
      const repo = manager.getRepository(AuditRecordEntity);
      await repo.save(repo.create({
        at: clock.now(),
        actorType: actor.type,
        actorId: actor.id,
        actorName: actor.name?.slice(0, 64) ?? null,
        action: event.action,
        targetType: event.targetType ?? null,
        targetId: event.targetId == null ? null : String(event.targetId),
        ip: actor.ip ?? null,
        userAgent: actor.userAgent?.slice(0, 255) ?? null,
        requestId: actor.requestId ?? null,
        details: event.details ?? null,
      }), { transaction: false, reload: false });
    },

    async list(query: AuditListQuery): Promise<{ items: AuditEntry[]; total: number; page: number; pageSize: number }> {
      const page = query.page ?? 1;
      const pageSize = query.pageSize ?? 20;
      const qb = db.getRepository(AuditRecordEntity).createQueryBuilder('a');
      if (query.action?.endsWith('.')) qb.andWhere(`a.action LIKE :prefix ${LIKE_ESCAPE}`, { prefix: prefixPattern(query.action) });
      else if (query.action) qb.andWhere('a.action = :action', { action: query.action });
      if (query.actorId) qb.andWhere("a.actorType = 'staff' AND a.actorId = :actorId", { actorId: query.actorId });
      if (query.targetType) qb.andWhere('a.targetType = :targetType', { targetType: query.targetType });
      if (query.targetId) qb.andWhere('a.targetId = :targetId', { targetId: query.targetId });
      const [rows, total] = await qb
        .orderBy('a.id', 'DESC')
        .skip((page - 1) * pageSize)
        .take(pageSize)
        .getManyAndCount();
      return { items: rows.map(toEntry), total, page, pageSize };
    },
  };
}

function toEntry(r: AuditRecord): AuditEntry {
  return {
    id: String(r.id),
    at: r.at.toISOString(),
    actorType: r.actorType,
    actorId: r.actorId,
    actorName: r.actorName,
    action: r.action,
    targetType: r.targetType,
    targetId: r.targetId,
    ip: r.ip,
    requestId: r.requestId,
    details: r.details,
  };
}
