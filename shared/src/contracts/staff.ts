import { Type, type Static } from '@sinclair/typebox';
import { Page, PageQuery } from './common';
import { StaffRoleSchema } from './auth';

// Usernames are login handles: ASCII, so they can be typed on any keyboard and compared exactly.
export const Username = Type.String({ minLength: 3, maxLength: 64, pattern: '^[a-zA-Z0-9][a-zA-Z0-9._-]*$' });
export const DisplayName = Type.String({ minLength: 1, maxLength: 64 });
export const Password = Type.String({ minLength: 10, maxLength: 256 });

export const StaffRecord = Type.Object({
  id: Type.Integer(),
  username: Type.String(),
  displayName: Type.String(),
  role: StaffRoleSchema,
  storeId: Type.Union([Type.Integer(), Type.Null()]),
  storeName: Type.Union([Type.String(), Type.Null()]),
  active: Type.Boolean(),
  lastLoginAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});
export type StaffRecord = Static<typeof StaffRecord>;

export const StaffList = Page(StaffRecord);
export type StaffList = Static<typeof StaffList>;

export const StaffListQuery = Type.Object(
  {
    ...PageQuery,
    q: Type.Optional(Type.String({ maxLength: 64, description: 'Matches username or display name' })),
    role: Type.Optional(StaffRoleSchema),
  },
  { additionalProperties: false },
);
export type StaffListQuery = Static<typeof StaffListQuery>;

export const StaffCreateBody = Type.Object(
  {
    username: Username,
    displayName: DisplayName,
    role: StaffRoleSchema,
    storeId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
    password: Password,
  },
  { additionalProperties: false },
);
export type StaffCreateBody = Static<typeof StaffCreateBody>;

export const StaffUpdateBody = Type.Object(
  {
    displayName: Type.Optional(DisplayName),
    role: Type.Optional(StaffRoleSchema),
    storeId: Type.Optional(Type.Union([Type.Integer({ minimum: 1 }), Type.Null()])),
    active: Type.Optional(Type.Boolean()),
    password: Type.Optional(Password),
  },
  { additionalProperties: false, minProperties: 1 },
);
export type StaffUpdateBody = Static<typeof StaffUpdateBody>;
