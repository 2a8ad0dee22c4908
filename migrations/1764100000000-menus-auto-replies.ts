import { Table, TableIndex, type MigrationInterface, type QueryRunner } from 'typeorm';
import { at, serialId, str, timestamps } from './lib/columns';

// The custom menu (one draft being edited, every version published to WeChat, newest = live) and the
// auto-reply rules (welcome, keyword, default, hand-off to a human).
export class MenusAutoReplies1764100000000 implements MigrationInterface {
  name = 'MenusAutoReplies1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'menu_draft',
        columns: [
          { name: 'id', type: 'int', isPrimary: true },
          { name: 'buttons', type: 'text' },
          at('updated_at', true),
          { name: 'updated_by_id', type: 'int', isNullable: true },
          str('updated_by_name', 64, true),
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'menu_version',
        columns: [
          serialId(q),
          { name: 'buttons', type: 'text' },
          at('published_at'),
          { name: 'published_by_id', type: 'int', isNullable: true },
          str('published_by_name', 64, true),
          { name: 'rolled_back_from', type: 'int', isNullable: true },
        ],
      }),
    );
    await q.createTable(
      new Table({
        name: 'auto_reply_rule',
        columns: [
          serialId(q),
          str('kind', 16),
          str('name', 64),
          str('match_type', 16, true),
          { name: 'keywords', type: 'text' },
          { name: 'priority', type: 'int', default: 0 },
          str('active_from', 5, true),
          str('active_to', 5, true),
          { name: 'reply', type: 'text' },
          { name: 'enabled', type: 'boolean' },
          // The kind for an enabled welcome or default rule, else NULL: the unique index lets only one of each be
          // on, even when two staff enable one at the same moment.
          str('exclusive_key', 16, true),
          ...timestamps(),
        ],
      }),
    );
    await q.createIndex('auto_reply_rule', new TableIndex({ name: 'idx_auto_reply_kind', columnNames: ['kind', 'enabled'] }));
    await q.createIndex('auto_reply_rule', new TableIndex({ name: 'uq_auto_reply_exclusive', columnNames: ['exclusive_key'], isUnique: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('auto_reply_rule');
    await q.dropTable('menu_version');
    await q.dropTable('menu_draft');
  }
}
