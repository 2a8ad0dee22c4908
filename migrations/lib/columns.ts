import type { QueryRunner, TableColumnOptions } from 'typeorm';

// Written with the QueryRunner Table API so the same migration builds the schema on MySQL/MariaDB and SQLite.

export const at = (name: string, isNullable = false): TableColumnOptions => ({ name, type: 'datetime', precision: 3, isNullable });
export const str = (name: string, length: number, isNullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable });
export const timestamps = () => [at('created_at'), at('updated_at')];
// SQLite auto-increments only a column declared exactly INTEGER PRIMARY KEY (64-bit there); MySQL takes INT or BIGINT.
export const serialId = (q: QueryRunner, mysqlType: 'int' | 'bigint' = 'int'): TableColumnOptions => ({
  name: 'id',
  type: q.connection.options.type === 'mysql' ? mysqlType : 'integer',
  isPrimary: true,
  isGenerated: true,
  generationStrategy: 'increment',
});

