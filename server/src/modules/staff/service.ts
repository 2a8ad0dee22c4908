import { randomUUID } from 'node:crypto';
import type { LoginResult, StaffProfile } from '@fanbase/shared/contracts/auth';
import type { StaffCreateBody, StaffList, StaffListQuery, StaffRecord, StaffUpdateBody } from '@fanbase/shared/contracts/staff';
import type { StaffRole } from '@fanbase/shared/roles';
import { Brackets, IsNull, type DataSource, type EntityManager } from 'typeorm';
import type { Clock } from '../../clock';
import { containsPattern, LIKE_ESCAPE } from '../../db/like';
import { AppError } from '../../errors';
import type { Actor, AuditLog } from '../audit/service';
import { StoreEntity } from '../catalogue/entities';
import { StaffEntity, StaffSessionEntity, type Staff } from './entities';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from './passwords';
import { createLoginThrottle, type ThrottleLimits } from './throttle';
import { signStaffToken, verifyStaffToken } from './tokens';
import { isDuplicateKey } from '../../db/errors';

export interface StaffPrincipal extends StaffProfile {
  sessionId: string;
}

interface Deps {
  db: DataSource;
  clock: Clock;
  audit: AuditLog;
  jwtSecret: string;
  tokenTtlSeconds: number;
  throttle: ThrottleLimits;
}

export type StaffService = ReturnType<typeof createStaffService>;

export function createStaffService({ db, clock, audit, jwtSecret, tokenTtlSeconds, throttle: limits }: Deps) {
  const staffRepo = () => db.getRepository(StaffEntity);
  const throttle = createLoginThrottle({ db, clock, limits });

  async function checkRoleAndStore(manager: EntityManager, role: StaffRole, storeId: number | null | undefined) {
    if (role !== 'store') return null;
    if (storeId == null) throw new AppError('STAFF_STORE_REQUIRED', 'A staff member with role "store" needs a storeId');
    const store = await manager.findOneBy(StoreEntity, { id: storeId });
    if (!store) throw new AppError('STAFF_STORE_NOT_FOUND', `Store ${storeId} does not exist`);
    return storeId;
  }

  function checkPassword(password: string, username: string) {
    const problem = passwordProblem(password, username);
    if (problem) throw new AppError('STAFF_PASSWORD_WEAK', `The password ${problem}`, [{ field: 'password', message: problem }]);
  }

  async function revokeSessions(manager: EntityManager, staffId: number) {
    await manager.update(StaffSessionEntity, { staffId, revokedAt: IsNull() }, { revokedAt: clock.now() });
  }

  return {
    async login(username: string, password: string, actor: Omit<Actor, 'type' | 'id' | 'name'>): Promise<LoginResult> {
      const name = username.trim().toLowerCase();
      const ip = actor.ip ?? 'unknown';
      const wait = await throttle.retryAfter(name, ip);
      if (wait > 0) {
        throw new AppError('AUTH_THROTTLED', `Too many failed sign-ins: try again in ${wait} s`, undefined, { 'retry-after': String(wait) });
      }
      const staff = await staffRepo().findOneBy({ username: name });
      const valid = await verifyPassword(password, staff?.passwordHash ?? (await decoyHash()));
      if (!staff || !valid || !staff.active) {
        await throttle.recordFailure(name, ip);
        await audit.record(
          { type: 'staff', id: staff ? String(staff.id) : null, name, ...actor },
          { action: 'staff.login_failed', targetType: 'staff', targetId: staff?.id ?? null, details: { username: name.slice(0, 64) } },
        );
        // One answer for an unknown user, a wrong password and a disabled account: nothing to enumerate.
        throw new AppError('AUTH_INVALID_CREDENTIALS', 'Username or password is incorrect');
      }
      await throttle.recordSuccess(name);
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + tokenTtlSeconds * 1000);
      const sessionId = randomUUID();
      await db.transaction(async (m) => {
        await m.insert(StaffSessionEntity, {
          id: sessionId,
          staffId: staff.id,
          createdAt: now,
          expiresAt,
          revokedAt: null,
          ip: actor.ip ?? null,
          userAgent: actor.userAgent?.slice(0, 255) ?? null,
        });
        await m.update(StaffEntity, { id: staff.id }, { lastLoginAt: now });
        await audit.record({ type: 'staff', id: String(staff.id), name: staff.username, ...actor }, { action: 'staff.login', targetType: 'staff', targetId: staff.id }, m);
      });
      return {
        token: signStaffToken({ sub: String(staff.id), sid: sessionId }, jwtSecret, tokenTtlSeconds, now),
        expiresAt: expiresAt.toISOString(),
        staff: toProfile(staff),
      };
    },

    // Every staff request: a valid signature is not enough, the session must be open and the account active,
    // and the role is read fresh so a demotion takes effect on the next request.
    async authenticate(token: string): Promise<StaffPrincipal> {
      const now = clock.now();
      const claims = verifyStaffToken(token, jwtSecret, now);
      const session = await db.getRepository(StaffSessionEntity).findOneBy({ id: claims.sid });
      const staff = session && String(session.staffId) === claims.sub ? await staffRepo().findOneBy({ id: session.staffId }) : null;
      if (!session || !staff || session.revokedAt || session.expiresAt <= now || !staff.active) {
        throw new AppError('AUTH_SESSION_ENDED', 'This session has ended: sign in again');
      }
      return { ...toProfile(staff), sessionId: session.id };
    },

    async logout(principal: StaffPrincipal, actor: Actor): Promise<void> {
      await db.transaction(async (m) => {
        await m.update(StaffSessionEntity, { id: principal.sessionId }, { revokedAt: clock.now() });
        await audit.record(actor, { action: 'staff.logout', targetType: 'staff', targetId: principal.id }, m);
      });
    },

    async list(query: StaffListQuery): Promise<StaffList> {
      const page = query.page ?? 1;
      const pageSize = query.pageSize ?? 20;
      const qb = staffRepo().createQueryBuilder('st').leftJoinAndMapOne('st.store', 'Store', 'store', 'store.id = st.storeId');
      if (query.role) qb.andWhere('st.role = :role', { role: query.role });
      if (query.q) {
        const like = containsPattern(query.q);
        qb.andWhere(new Brackets((w) => w.where(`st.username LIKE :like ${LIKE_ESCAPE}`).orWhere(`st.displayName LIKE :like ${LIKE_ESCAPE}`)), { like });
      }
      const [rows, total] = await qb.orderBy('st.id', 'ASC').skip((page - 1) * pageSize).take(pageSize).getManyAndCount();
      return { items: rows.map((r) => toRecord(r, (r as Staff & { store?: { name: string } }).store?.name ?? null)), total, page, pageSize };
    },

    async get(id: number): Promise<StaffRecord> {
      const staff = await staffRepo().findOneBy({ id });
      if (!staff) throw new AppError('STAFF_NOT_FOUND', `Staff ${id} does not exist`);
      const store = staff.storeId ? await db.getRepository(StoreEntity).findOneBy({ id: staff.storeId }) : null;
      return toRecord(staff, store?.name ?? null);
    },

    async create(body: StaffCreateBody, actor: Actor): Promise<StaffRecord> {
      const username = body.username.toLowerCase();
      checkPassword(body.password, username);
      const passwordHash = await hashPassword(body.password);
      const id = await db.transaction(async (m) => {
        const storeId = await checkRoleAndStore(m, body.role, body.storeId);
        if (await m.existsBy(StaffEntity, { username })) throw usernameTaken(username);
        const now = clock.now();
        const result = await m
          .insert(StaffEntity, { username, displayName: body.displayName.trim(), role: body.role, storeId, passwordHash, active: true, lastLoginAt: null, createdAt: now, updatedAt: now })
          .catch((err: unknown) => {
            throw isDuplicateKey(err) ? usernameTaken(username) : err;
          });
        const staffId = Number(result.identifiers[0]!['id']);
        await audit.record(actor, { action: 'staff.create', targetType: 'staff', targetId: staffId, details: { username, role: body.role, storeId } }, m);
        return staffId;
      });
      return this.get(id);
    },

    async update(id: number, body: StaffUpdateBody, actor: Actor): Promise<StaffRecord> {
      const passwordHash = body.password === undefined ? undefined : await hashPassword(body.password);
      await db.transaction(async (m) => {
        // A change of role or active state may remove an admin: lock the admin rows first, always in id
        // order, so two admins demoting each other at once queue up instead of deadlocking or both winning.
        const admins = body.role !== undefined || body.active !== undefined
          ? await m.find(StaffEntity, { where: { role: 'admin', active: true }, order: { id: 'ASC' }, ...lockFor(db) })
          : [];
        const staff = await m.findOne(StaffEntity, { where: { id }, ...lockFor(db) });
        if (!staff) throw new AppError('STAFF_NOT_FOUND', `Staff ${id} does not exist`);
        if (body.password !== undefined) checkPassword(body.password, staff.username);
        const role = body.role ?? staff.role;
        const storeId = await checkRoleAndStore(m, role, body.storeId === undefined ? staff.storeId : body.storeId);
        const active = body.active ?? staff.active;
        if (staff.role === 'admin' && staff.active && (role !== 'admin' || !active) && admins.length <= 1) {
          throw new AppError('STAFF_LAST_ADMIN', 'The last active admin cannot be demoted or disabled');
        }
        const changes: Partial<Staff> = { role, storeId, active, updatedAt: clock.now() };
        if (body.displayName !== undefined) changes.displayName = body.displayName.trim();
        if (passwordHash) changes.passwordHash = passwordHash;
        await m.update(StaffEntity, { id }, changes);
        const endsSessions = !active || role !== staff.role || storeId !== staff.storeId || passwordHash !== undefined;
        if (endsSessions) await revokeSessions(m, id);
        const changed = Object.keys(body).filter((k) => k !== 'password');
        await audit.record(actor, { action: 'staff.update', targetType: 'staff', targetId: id, details: { changed, passwordReset: passwordHash !== undefined, sessionsEnded: endsSessions } }, m);
      });
      return this.get(id);
    },

    async count(): Promise<{ total: number; active: number }> {
      const [total, active] = await Promise.all([staffRepo().count(), staffRepo().countBy({ active: true })]);
      return { total, active };
    },
  };
}

// Row locks exist on MySQL only; SQLite serialises writers anyway (single instance).
const lockFor = (db: DataSource) => (db.options.type === 'mysql' ? { lock: { mode: 'pessimistic_write' as const } } : {});

const usernameTaken = (username: string) =>
  new AppError('STAFF_USERNAME_TAKEN', `The username "${username}" is already taken`, [{ field: 'username', message: 'already taken' }]);

function toProfile(s: Staff): StaffProfile {
  return { id: s.id, username: s.username, displayName: s.displayName, role: s.role, storeId: s.storeId };
}

function toRecord(s: Staff, storeName: string | null): StaffRecord {
  return {
    ...toProfile(s),
    storeName,
    active: s.active,
    lastLoginAt: s.lastLoginAt?.toISOString() ?? null,
    createdAt: s.createdAt.toISOString(),
  };
}
