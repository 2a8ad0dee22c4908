import type { StaffRole } from '@fanbase/shared/roles';

export const ROLE_LABELS: Record<StaffRole, string> = {
  admin: '系统管理员',
  support: '客服',
  ops: '运营',
  store: '门店店员',
};

export const ROLE_TAG_TYPES: Record<StaffRole, 'danger' | 'success' | 'warning' | 'info'> = {
  admin: 'danger',
  support: 'success',
  ops: 'warning',
  store: 'info',
};
