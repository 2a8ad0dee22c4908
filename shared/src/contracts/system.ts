import { Type, type Static } from '@sinclair/typebox';
import { StaffProfile } from './auth';
import { BrandInfo } from './catalogue';

export const Health = Type.Object({ status: Type.Literal('ok') });

export const Readiness = Type.Object({
  status: Type.Literal('ready'),
  database: Type.String({ description: 'Engine in use: mysql or sqlite' }),
  migrations: Type.Literal('current'),
});
export type Readiness = Static<typeof Readiness>;

export const Overview = Type.Object({
  brand: Type.Union([BrandInfo, Type.Null()]),
  me: StaffProfile,
  counts: Type.Object({
    productModels: Type.Integer(),
    stores: Type.Integer(),
    staff: Type.Integer(),
    activeStaff: Type.Integer(),
  }),
  system: Type.Object({
    database: Type.String(),
    timeZone: Type.String(),
    version: Type.String(),
  }),
});
export type Overview = Static<typeof Overview>;
