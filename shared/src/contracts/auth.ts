import { Type, type Static } from '@sinclair/typebox';
import { STAFF_ROLES } from '../roles';

export const StaffRoleSchema = Type.Union(STAFF_ROLES.map((r) => Type.Literal(r)));

export const StaffProfile = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: StaffRoleSchema,
  storeId: Type.Union([Type.Integer(), Type.Null()]),
});
export type StaffProfile = Static<typeof StaffProfile>;

export const LoginBody = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 64 }),
    password: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
export type LoginBody = Static<typeof LoginBody>;

export const LoginResult = Type.Object({
  token: Type.String({ description: 'Staff JWT: send as "Authorization: Bearer <token>"' }),
  expiresAt: Type.String({ format: 'date-time' }),
  staff: StaffProfile,
});
export type LoginResult = Static<typeof LoginResult>;
