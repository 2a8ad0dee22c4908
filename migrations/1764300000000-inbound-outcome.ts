import { Table, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';
import { at, str } from './lib/columns';

// How each push ended moves out of wechat_inbound into its own append-only table: the push is written once when
// it is claimed and never rewritten, and its outcome is one narrow insert after the reply. Updating the wide
// row cost MariaDB twice as much per push as inserting the narrow one (npm run bench:callback).
export class InboundOutcome1764300000000 implements MigrationInterface {
  name = 'InboundOutcome1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'wechat_inbound_outcome',
        columns: [
          { name: 'inbound_id', type: q.connection.options.type === 'mysql' ? 'bigint' : 'integer', isPrimary: true },
          str('status', 16),
          { name: 'reply', type: 'text', isNullable: true },
          at('completed_at'),
        ],
      }),
    );
    await q.query(
      "INSERT INTO wechat_inbound_outcome (inbound_id, status, reply, completed_at) SELECT id, status, reply, completed_at FROM wechat_inbound WHERE status <> 'processing' AND completed_at IS NOT NULL",
    );
    await q.dropColumn('wechat_inbound', 'reply');
    await q.dropColumn('wechat_inbound', 'completed_at');
    await q.dropColumn('wechat_inbound', 'status');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.addColumn('wechat_inbound', new TableColumn({ ...str('status', 16), default: "'processing'" }));
    await q.addColumn('wechat_inbound', new TableColumn({ name: 'reply', type: 'text', isNullable: true }));
    await q.addColumn('wechat_inbound', new TableColumn(at('completed_at', true)));
    await q.query(
      'UPDATE wechat_inbound SET status = (SELECT o.status FROM wechat_inbound_outcome o WHERE o.inbound_id = wechat_inbound.id), reply = (SELECT o.reply FROM wechat_inbound_outcome o WHERE o.inbound_id = wechat_inbound.id), completed_at = (SELECT o.completed_at FROM wechat_inbound_outcome o WHERE o.inbound_id = wechat_inbound.id) WHERE id IN (SELECT inbound_id FROM wechat_inbound_outcome)',
    );
    await q.dropTable('wechat_inbound_outcome');
  }
}
