import type { AutoReplyContent, AutoReplyKind, MatchType } from '@fanbase/shared/contracts/auto-replies';
import { EntitySchema } from 'typeorm';

export interface AutoReplyRow {
  id: number;
  kind: AutoReplyKind;
  name: string;
  matchType: MatchType | null;
  keywords: string[];
  priority: number;
  activeFrom: string | null;
  activeTo: string | null;
  reply: AutoReplyContent;
  enabled: boolean;
  exclusiveKey: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const AutoReplyEntity = new EntitySchema<AutoReplyRow>({
  name: 'AutoReplyRule',
  tableName: 'auto_reply_rule',
  columns: {
    id: { type: 'int', primary: true, generated: 'increment' },
    kind: { type: 'varchar', length: 16 },
    name: { type: 'varchar', length: 64 },
    matchType: { type: 'varchar', length: 16, nullable: true },
    keywords: { type: 'simple-json' },
    priority: { type: 'int', default: 0 },
    activeFrom: { type: 'varchar', length: 5, nullable: true },
    activeTo: { type: 'varchar', length: 5, nullable: true },
    reply: { type: 'simple-json' },
    enabled: { type: 'boolean' },
    exclusiveKey: { type: 'varchar', length: 16, nullable: true },
    createdAt: { type: 'datetime', precision: 3 },
    updatedAt: { type: 'datetime', precision: 3 },
  },
});
