import { EntitySchema } from 'typeorm';
import type { StaffRole } from '@fanbase/shared/roles';

export interface Staff {
  id: number;
  username: string;
  displayName: string;
  role: StaffRole;
  storeId: number | null;
  passwordHash: string;
  active: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const StaffEntity = new EntitySchema<Staff>({
  name: 'Staff',
  tableName: 'staff',
  columns: {
    id: { type: 'int', primary: true, generated: 'increment' },
    username: { type: 'varchar', length: 64, unique: true },
    displayName: { type: 'varchar', length: 64 },
    role: { type: 'varchar', length: 16 },
    storeId: { type: 'int', nullable: true },
    passwordHash: { type: 'varchar', length: 255 },
    active: { type: 'boolean' },
    lastLoginAt: { type: 'datetime', precision: 3, nullable: true },
    createdAt: { type: 'datetime', precision: 3 },
    updatedAt: { type: 'datetime', precision: 3 },
  },
});

// One row per issued staff JWT (its jti), so a logout or a disabled account ends the session at once.
export interface StaffSession {
  id: string;
  staffId: number;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  ip: string | null;
  userAgent: string | null;
}

export const StaffSessionEntity = new EntitySchema<StaffSession>({
  name: 'StaffSession',
  tableName: 'staff_session',
  columns: {
    id: { type: 'varchar', length: 36, primary: true },
    staffId: { type: 'int' },
    createdAt: { type: 'datetime', precision: 3 },
    expiresAt: { type: 'datetime', precision: 3 },
    revokedAt: { type: 'datetime', precision: 3, nullable: true },
    ip: { type: 'varchar', length: 45, nullable: true },
    userAgent: { type: 'varchar', length: 255, nullable: true },
  },
});

export interface LoginThrottle {
  throttleKey: string;
  failures: number;
  windowStartedAt: Date;
}

export const LoginThrottleEntity = new EntitySchema<LoginThrottle>({
  name: 'LoginThrottle',
  tableName: 'login_throttle',
  columns: {
    throttleKey: { type: 'varchar', length: 160, primary: true },
    failures: { type: 'int' },
    windowStartedAt: { type: 'datetime', precision: 3 },
  },
});
