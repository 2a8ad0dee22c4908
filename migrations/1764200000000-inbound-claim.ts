import { TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

// Pushes are claimed in batches (INSERT IGNORE of many rows at once); the token each batch writes tells it which
// rows it inserted and which were there already (WeChat's retries, or another instance's claim).
export class InboundClaim1764200000000 implements MigrationInterface {
  name = 'InboundClaim1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.addColumn('wechat_inbound', new TableColumn({ name: 'claim_token', type: 'varchar', length: '24', isNullable: true }));
  }

  async down(q: QueryRunner): Promise<void> {
    await q.dropColumn('wechat_inbound', 'claim_token');
  }
}
