import { Type, type Static } from '@sinclair/typebox';

export const BrandInfo = Type.Object({
  name: Type.String(),
  wechatAccountName: Type.Union([Type.String(), Type.Null()]),
});
export type BrandInfo = Static<typeof BrandInfo>;

export const StoreSummary = Type.Object({
  id: Type.Integer(),
  code: Type.String(),
  name: Type.String(),
  city: Type.String(),
  address: Type.String(),
  phone: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
});
export type StoreSummary = Static<typeof StoreSummary>;

export const StoreListQuery = Type.Object(
  {
    q: Type.Optional(Type.String({ maxLength: 64, description: 'Matches name, code or city' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  },
  { additionalProperties: false },
);
export type StoreListQuery = Static<typeof StoreListQuery>;

export const StoreList = Type.Object({ items: Type.Array(StoreSummary) });
export type StoreList = Static<typeof StoreList>;
