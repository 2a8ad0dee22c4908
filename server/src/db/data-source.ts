import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { DataSource } from 'typeorm';
import { migrations } from '../../../migrations/index';
import type { DatabaseConfig } from '../config';
import { AuditRecordEntity } from '../modules/audit/entities';
import { AutoReplyEntity } from '../modules/auto-replies/entities';
import { BrandEntity, ProductModelEntity, StoreEntity } from '../modules/catalogue/entities';
import { MenuDraftEntity, MenuVersionEntity } from '../modules/menus/entities';
import { LoginThrottleEntity, StaffEntity, StaffSessionEntity } from '../modules/staff/entities';
import { CredentialEntity } from '../wechat/api/credentials';
import { InboundOutcomeEntity, InboundRecordEntity } from '../wechat/callback/inbox';
import { SnakeNamingStrategy } from './naming';

export const entities = [
  BrandEntity,
  StoreEntity,
  ProductModelEntity,
  StaffEntity,
  StaffSessionEntity,
  LoginThrottleEntity,
  AuditRecordEntity,
  InboundRecordEntity,
  InboundOutcomeEntity,
  CredentialEntity,
  MenuDraftEntity,
  MenuVersionEntity,
  AutoReplyEntity,
];

export const MIGRATIONS_TABLE = 'migrations';

export function createDataSource(database: DatabaseConfig): DataSource {
  const common = {
    entities,
    migrations,
    migrationsTableName: MIGRATIONS_TABLE,
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    logging: false,
  } as const;
  if (database.engine === 'mysql') {
    return new DataSource({
      ...common,
      type: 'mysql',
      url: database.url,
      poolSize: database.poolSize,
      // utf8mb4 end to end: WeChat nicknames and messages carry emoji.
      charset: 'utf8mb4_unicode_ci',
      // Dates are stored in UTC; the brand's time zone is applied only when showing or scheduling.
      timezone: 'Z',
      connectTimeout: 5000,
      supportBigNumbers: true,
      bigNumberStrings: true,
      extra: { enableKeepAlive: true },
    });
  }
  mkdirSync(path.dirname(database.file), { recursive: true });
  return new DataSource({
    ...common,
    type: 'better-sqlite3',
    database: database.file,
    enableWAL: true,
    timeout: 5000,
  });
}

export function describeDatabase(database: DatabaseConfig): string {
  if (database.engine === 'sqlite') return `SQLite ${database.file}`;
  const url = new URL(database.url);
  return `MySQL ${url.hostname}:${url.port || 3306}${url.pathname}`;
}
