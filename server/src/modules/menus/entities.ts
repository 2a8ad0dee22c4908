import type { MenuTopButton } from '@fanbase/shared/wechat-menu';
import { EntitySchema } from 'typeorm';

export interface MenuDraft {
  id: number;
  buttons: MenuTopButton[];
  updatedAt: Date | null;
  updatedById: number | null;
  updatedByName: string | null;
}

export const MenuDraftEntity = new EntitySchema<MenuDraft>({
  name: 'MenuDraft',
  tableName: 'menu_draft',
  columns: {
    id: { type: 'int', primary: true },
    buttons: { type: 'simple-json' },
    updatedAt: { type: 'datetime', precision: 3, nullable: true },
    updatedById: { type: 'int', nullable: true },
    updatedByName: { type: 'varchar', length: 64, nullable: true },
  },
});

/** A menu as published to WeChat; the newest row is what followers see. */
export interface MenuVersionRow {
  id: number;
  buttons: MenuTopButton[];
  publishedAt: Date;
  publishedById: number | null;
  publishedByName: string | null;
  rolledBackFrom: number | null;
}

export const MenuVersionEntity = new EntitySchema<MenuVersionRow>({
  name: 'MenuVersion',
  tableName: 'menu_version',
  columns: {
    id: { type: 'int', primary: true, generated: 'increment' },
    buttons: { type: 'simple-json' },
    publishedAt: { type: 'datetime', precision: 3 },
    publishedById: { type: 'int', nullable: true },
    publishedByName: { type: 'varchar', length: 64, nullable: true },
    rolledBackFrom: { type: 'int', nullable: true },
  },
});
