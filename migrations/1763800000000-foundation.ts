import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { at, serialId, str, timestamps } from './lib/columns';


export class Foundation1763800000000 implements MigrationInterface {
  name = 'Foundation1763800000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'brand',
        columns: [serialId(q), str('name', 64), str('wechat_account_name', 64, true), ...timestamps()],
      }),
    );

    await q.createTable(
      new Table({
        name: 'store',
        columns: [
          serialId(q),
          str('code', 32),
          str('name', 128),
          str('city', 64),
          str('address', 255),
          { name: 'latitude', type: 'decimal', precision: 9, scale: 6 },
          { name: 'longitude', type: 'decimal', precision: 9, scale: 6 },
          str('phone', 32, true),
          str('opening_hours', 255, true),
          { name: 'services', type: 'text' },
          { name: 'active', type: 'boolean', default: true },
          ...timestamps(),
        ],
        uniques: [{ name: 'uq_store_code', columnNames: ['code'] }],
        indices: [{ name: 'ix_store_city', columnNames: ['city'] }],
      }),
    );

    await q.createTable(
      new Table({
        name: 'product_model',
        columns: [
          serialId(q),
          str('code', 32),
          str('name', 128),
          str('category', 32),
          str('image_url', 512, true),
          str('serial_pattern', 255),
          { name: 'warranty_months', type: 'int' },
          { name: 'launched_on', type: 'date', isNullable: true },
          { name: 'active', type: 'boolean', default: true },
          ...timestamps(),
        ],
        uniques: [{ name: 'uq_product_model_code', columnNames: ['code'] }],
        indices: [{ name: 'ix_product_model_category', columnNames: ['category'] }],
      }),
    );

    await q.createTable(
      new Table({
        name: 'staff',
        columns: [
          serialId(q),
          str('username', 64),
          str('display_name', 64),
          str('role', 16),
          { name: 'store_id', type: 'int', isNullable: true },
          str('password_hash', 255),
          { name: 'active', type: 'boolean', default: true },
          at('last_login_at', true),
          ...timestamps(),
        ],
        uniques: [{ name: 'uq_staff_username', columnNames: ['username'] }],
        foreignKeys: [{ name: 'fk_staff_store', columnNames: ['store_id'], referencedTableName: 'store', referencedColumnNames: ['id'], onDelete: 'RESTRICT' }],
      }),
    );

    await q.createTable(
      new Table({
        name: 'staff_session',
        columns: [
          { ...str('id', 36), isPrimary: true },
          { name: 'staff_id', type: 'int' },
          at('created_at'),
          at('expires_at'),
          at('revoked_at', true),
          str('ip', 45, true),
          str('user_agent', 255, true),
        ],
        indices: [{ name: 'ix_staff_session_staff', columnNames: ['staff_id', 'expires_at'] }],
        foreignKeys: [{ name: 'fk_staff_session_staff', columnNames: ['staff_id'], referencedTableName: 'staff', referencedColumnNames: ['id'], onDelete: 'CASCADE' }],
      }),
    );

    await q.createTable(
      new Table({
        name: 'login_throttle',
        columns: [{ ...str('throttle_key', 160), isPrimary: true }, { name: 'failures', type: 'int' }, at('window_started_at')],
      }),
    );

    await q.createTable(
      new Table({
        name: 'audit_log',
        columns: [
          serialId(q, 'bigint'),
          at('at'),
          str('actor_type', 16),
          str('actor_id', 64, true),
          str('actor_name', 64, true),
          str('action', 64),
          str('target_type', 32, true),
          str('target_id', 64, true),
          str('ip', 45, true),
          str('user_agent', 255, true),
          str('request_id', 64, true),
          { name: 'details', type: 'text', isNullable: true },
        ],
      }),
    );
    await q.createIndices('audit_log', [
      new TableIndex({ name: 'ix_audit_at', columnNames: ['at'] }),
      new TableIndex({ name: 'ix_audit_target', columnNames: ['target_type', 'target_id', 'at'] }),
      new TableIndex({ name: 'ix_audit_actor', columnNames: ['actor_type', 'actor_id', 'at'] }),
      new TableIndex({ name: 'ix_audit_action', columnNames: ['action', 'at'] }),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['audit_log', 'login_throttle', 'staff_session', 'staff', 'product_model', 'store', 'brand']) {
      await q.dropTable(table);
    }
  }
}
