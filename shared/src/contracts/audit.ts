import { Type, type Static } from '@sinclair/typebox';
import { Page, PageQuery } from './common';

export const AuditEntry = Type.Object({
  id: Type.String({ description: 'BIGINT, as a string' }),
  at: Type.String({ format: 'date-time' }),
  actorType: Type.String(),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  targetType: Type.Union([Type.String(), Type.Null()]),
  targetId: Type.Union([Type.String(), Type.Null()]),
  ip: Type.Union([Type.String(), Type.Null()]),
  requestId: Type.Union([Type.String(), Type.Null()]),
  details: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
});
export type AuditEntry = Static<typeof AuditEntry>;

export const AuditList = Page(AuditEntry);
export type AuditList = Static<typeof AuditList>;

export const AuditListQuery = Type.Object(
  {
    ...PageQuery,
    action: Type.Optional(Type.String({ maxLength: 64, description: 'Exact action, or a prefix ending in "."' })),
    actorId: Type.Optional(Type.String({ maxLength: 64 })),
    targetType: Type.Optional(Type.String({ maxLength: 32 })),
    targetId: Type.Optional(Type.String({ maxLength: 64 })),
  },
  { additionalProperties: false },
);
export type AuditListQuery = Static<typeof AuditListQuery>;
