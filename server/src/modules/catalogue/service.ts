import type { BrandInfo, StoreList, StoreListQuery } from '@fanbase/shared/contracts/catalogue';
import { Brackets, type DataSource } from 'typeorm';
import { containsPattern, LIKE_ESCAPE } from '../../db/like';
import { BrandEntity, ProductModelEntity, StoreEntity } from './entities';

export type CatalogueService = ReturnType<typeof createCatalogueService>;

export function createCatalogueService({ db }: { db: DataSource }) {
  return {
    async brand(): Promise<BrandInfo | null> {
      const [brand] = await db.getRepository(BrandEntity).find({ order: { id: 'ASC' }, take: 1 });
      return brand ? { name: brand.name, wechatAccountName: brand.wechatAccountName } : null;
    },

    async counts(): Promise<{ productModels: number; stores: number }> {
      const [productModels, stores] = await Promise.all([
        db.getRepository(ProductModelEntity).countBy({ active: true }),
        db.getRepository(StoreEntity).countBy({ active: true }),
      ]);
      return { productModels, stores };
    },

    async listStores(query: StoreListQuery): Promise<StoreList> {
      const qb = db.getRepository(StoreEntity).createQueryBuilder('s');
      if (query.q) {
        const like = containsPattern(query.q);
        qb.andWhere(
          new Brackets((w) =>
            w.where(`s.name LIKE :like ${LIKE_ESCAPE}`).orWhere(`s.code LIKE :like ${LIKE_ESCAPE}`).orWhere(`s.city LIKE :like ${LIKE_ESCAPE}`),
          ),
          { like },
        );
      }
      const rows = await qb.orderBy('s.city', 'ASC').addOrderBy('s.name', 'ASC').take(query.limit ?? 50).getMany();
      return {
        items: rows.map((s) => ({ id: s.id, code: s.code, name: s.name, city: s.city, address: s.address, phone: s.phone, active: s.active })),
      };
    },
  };
}
