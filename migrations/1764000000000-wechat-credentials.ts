import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { at, str } from './lib/columns';

// The WeChat access token and JS-SDK ticket, shared by every instance: one row each, refreshed under a row
// lock by one instance at a time (fetching a new token invalidates the old one for everybody).
export class WechatCredentials1764000000000 implements MigrationInterface {
  name = 'WechatCredentials1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.createTable(
      new Table({
        name: 'wechat_credential',
        columns: [
          { ...str('name', 32), isPrimary: true },
          str('value', 1024, true),
          at('expires_at', true),
          at('refreshed_at', true),
          { name: 'refresh_count', type: 'int', default: 0 },
        ],
      }),
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropTable('wechat_credential');
  }
}
