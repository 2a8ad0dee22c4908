import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { at, serialId, str } from './lib/columns';

// Every push WeChat delivers, once: the unique dedupe key makes WeChat's retries (up to three deliveries,
// concurrent or seconds apart, to any instance) find the first delivery instead of running handlers again.
export class WechatInbound1763900000000 implements MigrationInterface {
  name = 'WechatInbound1763900000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'wechat_inbound',
        columns: [
          serialId(q, 'bigint'),
          str('dedupe_key', 191),
          str('open_id', 64),
          str('msg_type', 32),
          str('event', 64, true),
          str('msg_id', 32, true),
          { name: 'wechat_create_time', type: 'bigint' },
          { name: 'payload', type: 'text' },
          str('status', 16),
          { name: 'reply', type: 'text', isNullable: true },
          at('received_at'),
          at('completed_at', true),
        ],
        uniques: [{ name: 'uq_wechat_inbound_dedupe', columnNames: ['dedupe_key'] }],
        indices: [{ name: 'ix_wechat_inbound_open_id', columnNames: ['open_id', 'received_at'] }],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('wechat_inbound');
  }
}
