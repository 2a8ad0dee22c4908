export const STAFF_ROLES = ['admin', 'support', 'ops', 'store'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
