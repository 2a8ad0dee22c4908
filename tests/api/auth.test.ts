import jwt from 'jsonwebtoken';
import { AuditRecordEntity } from '../../server/src/modules/audit/entities';
import { bearer, createStaff, login, startTestApp, TEST_JWT_SECRET, TEST_PASSWORD, TestClock, type TestApp } from '../support/app';

describe('staff sign-in and access', () => {
  let t: TestApp;
  const clock = new TestClock();
  const signIn = (username: string, password: string, ip = '203.0.113.10') =>
    t.app.inject({ method: 'POST', url: '/api/admin/auth/login', payload: { username, password }, remoteAddress: ip });

  beforeAll(async () => {
    t = await startTestApp({ clock });
    await createStaff(t.db.dataSource, { username: 'alice', role: 'admin', displayName: 'Alice 🌸' });
    await createStaff(t.db.dataSource, { username: 'bob', role: 'support' });
    await createStaff(t.db.dataSource, { username: 'carol', role: 'ops' });
  });
  afterAll(() => t.close());

  it('signs in with the right password and returns a JWT, its expiry and the profile', async () => {
    const res = await signIn('alice', TEST_PASSWORD);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.staff).toEqual({ id: expect.any(Number), username: 'alice', displayName: 'Alice 🌸', role: 'admin', storeId: null });
    expect(new Date(body.expiresAt).getTime()).toBeGreaterThan(clock.now().getTime());
    const me = await t.app.inject({ url: '/api/admin/auth/me', headers: bearer(body.token) });
    expect(me.statusCode).toBe(200);
    expect(me.json().username).toBe('alice');
  });

  it('accepts the username in any letter case', async () => {
    expect((await signIn('ALICE', TEST_PASSWORD)).statusCode).toBe(200);
  });

  it('answers a wrong password and an unknown user with the same 401', async () => {
    const wrong = await signIn('bob', 'not-the-password', '203.0.113.20');
    const unknown = await signIn('nobody', 'not-the-password', '203.0.113.21');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual({ statusCode: 401, code: 'AUTH_INVALID_CREDENTIALS', message: 'Username or password is incorrect' });
    expect(unknown.json()).toEqual(wrong.json());
  });

  it('records sign-ins and failed sign-ins in the audit log', async () => {
    const rows = await t.db.dataSource.getRepository(AuditRecordEntity).find({ order: { id: 'ASC' } });
    expect(rows.some((r) => r.action === 'staff.login' && r.actorName === 'alice' && r.ip === '203.0.113.10')).toBe(true);
    const failed = rows.find((r) => r.action === 'staff.login_failed' && r.ip === '203.0.113.21');
    expect(failed?.details).toEqual({ username: 'nobody' });
  });

  it('refuses a request without a token (401 AUTH_REQUIRED)', async () => {
    const res = await t.app.inject({ url: '/api/admin/auth/me' });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('AUTH_REQUIRED');
  });

  it('refuses a forged token signed with another secret (401 AUTH_TOKEN_INVALID)', async () => {
    const real = await login(t.app, 'alice');
    const claims = jwt.decode(real) as jwt.JwtPayload;
    const forged = jwt.sign({ sid: claims['sid'] }, 'another-secret-another-secret-another', { subject: claims.sub!, issuer: 'fanbase', audience: 'fanbase-staff' });
    const res = await t.app.inject({ url: '/api/admin/auth/me', headers: bearer(forged) });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('AUTH_TOKEN_INVALID');
  });

  it('refuses an unsigned ("alg": "none") token and garbage', async () => {
    const real = await login(t.app, 'alice');
    const claims = jwt.decode(real) as jwt.JwtPayload;
    const none = jwt.sign({ ...claims }, '', { algorithm: 'none' });
    for (const token of [none, 'not.a.jwt', real.slice(0, -4) + 'AAAA']) {
      const res = await t.app.inject({ url: '/api/admin/auth/me', headers: bearer(token) });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('AUTH_TOKEN_INVALID');
    }
  });

  it('refuses a token for another audience even with the right secret', async () => {
    const real = await login(t.app, 'alice');
    const claims = jwt.decode(real) as jwt.JwtPayload;
    const member = jwt.sign({ sid: claims['sid'] }, TEST_JWT_SECRET, { subject: claims.sub!, issuer: 'fanbase', audience: 'fanbase-member' });
    const res = await t.app.inject({ url: '/api/admin/auth/me', headers: bearer(member) });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('AUTH_TOKEN_INVALID');
  });

  it('refuses an expired token (401 AUTH_TOKEN_EXPIRED)', async () => {
    const token = await login(t.app, 'alice');
    clock.advance(t.config.staffTokenTtlSeconds + 1);
    const res = await t.app.inject({ url: '/api/admin/auth/me', headers: bearer(token) });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('AUTH_TOKEN_EXPIRED');
  });

  it('ends the session on logout: the same token is refused afterwards', async () => {
    const token = await login(t.app, 'bob');
    const out = await t.app.inject({ method: 'POST', url: '/api/admin/auth/logout', headers: bearer(token) });
    expect(out.statusCode).toBe(204);
    const res = await t.app.inject({ url: '/api/admin/auth/me', headers: bearer(token) });
    expect(res.statusCode).toBe(401);
    expect(res.json().code).toBe('AUTH_SESSION_ENDED');
  });

  it('refuses a role without access (403 FORBIDDEN_ROLE) and lets the right role in', async () => {
    const support = await login(t.app, 'bob');
    const denied = await t.app.inject({ url: '/api/admin/staff', headers: bearer(support) });
    expect(denied.statusCode).toBe(403);
    expect(denied.json()).toMatchObject({ statusCode: 403, code: 'FORBIDDEN_ROLE' });
    const ops = await login(t.app, 'carol');
    expect((await t.app.inject({ url: '/api/admin/audit', headers: bearer(ops) })).statusCode).toBe(403);
    const admin = await login(t.app, 'alice');
    expect((await t.app.inject({ url: '/api/admin/staff', headers: bearer(admin) })).statusCode).toBe(200);
  });

  it('rejects a login body with missing or extra fields, naming them', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/admin/auth/login', payload: { username: 'alice', pass: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('VALIDATION_FAILED');
    expect(res.json().details).toEqual(
      expect.arrayContaining([
        { field: 'body.password', message: 'is required' },
        { field: 'body.pass', message: 'is not an accepted field' },
      ]),
    );
  });
});

describe('sign-in throttling', () => {
  let t: TestApp;
  const clock = new TestClock();
  const signIn = (username: string, password: string, ip: string) =>
    t.app.inject({ method: 'POST', url: '/api/admin/auth/login', payload: { username, password }, remoteAddress: ip });

  beforeAll(async () => {
    t = await startTestApp({ clock, env: { LOGIN_MAX_FAILURES_PER_USER: '3', LOGIN_MAX_FAILURES_PER_IP: '5', LOGIN_THROTTLE_WINDOW: '10m' } });
    await createStaff(t.db.dataSource, { username: 'dave', role: 'support' });
    await createStaff(t.db.dataSource, { username: 'erin', role: 'support' });
  });
  afterAll(() => t.close());

  it('throttles a username after repeated failures, even with the right password, until the window ends', async () => {
    for (let i = 0; i < 3; i++) expect((await signIn('dave', 'wrong-password', `192.0.2.${i + 1}`)).statusCode).toBe(401);
    const blocked = await signIn('dave', TEST_PASSWORD, '192.0.2.50');
    expect(blocked.statusCode).toBe(429);
    expect(blocked.json().code).toBe('AUTH_THROTTLED');
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(blocked.headers['retry-after'])).toBeLessThanOrEqual(600);
    clock.advance(601);
    expect((await signIn('dave', TEST_PASSWORD, '192.0.2.50')).statusCode).toBe(200);
  });

  it('throttles an IP address that tries many usernames', async () => {
    const ip = '192.0.2.99';
    for (let i = 0; i < 5; i++) expect((await signIn(`ghost${i}`, 'wrong-password', ip)).statusCode).toBe(401);
    const blocked = await signIn('erin', TEST_PASSWORD, ip);
    expect(blocked.statusCode).toBe(429);
    // Another address is not affected.
    expect((await signIn('erin', TEST_PASSWORD, '192.0.2.100')).statusCode).toBe(200);
  });

  it('clears the username count after a successful sign-in', async () => {
    clock.advance(601);
    for (let i = 0; i < 2; i++) await signIn('erin', 'wrong-password', '192.0.2.120');
    expect((await signIn('erin', TEST_PASSWORD, '192.0.2.120')).statusCode).toBe(200);
    for (let i = 0; i < 2; i++) await signIn('erin', 'wrong-password', '192.0.2.121');
    expect((await signIn('erin', TEST_PASSWORD, '192.0.2.121')).statusCode).toBe(200);
  });
});
