import { bearer, createStaff, login, startTestApp, type TestApp } from '../support/app';

describe('HTTP conventions', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ env: { BODY_LIMIT: '4096' } });
    await createStaff(t.db.dataSource, { username: 'root', role: 'admin' });
  });
  afterAll(() => t.close());

  const postLogin = (payload: string, contentType = 'application/json') =>
    t.app.inject({ method: 'POST', url: '/api/admin/auth/login', headers: { 'content-type': contentType }, payload });

  it('refuses an oversized JSON body with 413 BODY_TOO_LARGE', async () => {
    const res = await postLogin(JSON.stringify({ username: 'root', password: 'x'.repeat(8000) }));
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ statusCode: 413, code: 'BODY_TOO_LARGE' });
  });

  it('refuses malformed JSON with 400 MALFORMED_JSON', async () => {
    for (const body of ['{"username": "root",', '{"__proto__": {"admin": true}, "username": "a", "password": "b"}']) {
      const res = await postLogin(body);
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('MALFORMED_JSON');
    }
  });

  it('refuses a body type it does not accept with 415', async () => {
    const res = await postLogin('username=root&password=x', 'application/x-www-form-urlencoded');
    expect(res.statusCode).toBe(415);
    expect(res.json().code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers unknown routes with 404 NOT_FOUND in the same error shape', async () => {
    const res = await t.app.inject({ url: '/api/admin/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ statusCode: 404, code: 'NOT_FOUND', message: 'No route for GET /api/admin/nothing-here' });
  });

  it('validates query strings, naming the parameter', async () => {
    const token = await login(t.app, 'root');
    const res = await t.app.inject({ url: '/api/admin/staff?pageSize=1000&role=boss', headers: bearer(token) });
    expect(res.statusCode).toBe(400);
    const fields = res.json().details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['querystring.pageSize', 'querystring.role']));
  });

  it('sends security headers and a request id, and honours a well-formed incoming one', async () => {
    const res = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'lb-req-12345678' } });
    expect(res.headers['x-request-id']).toBe('lb-req-12345678');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    const bad = await t.app.inject({ url: '/healthz', headers: { 'x-request-id': 'evil\nid' } });
    expect(bad.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('publishes OpenAPI docs generated from the route schemas at /docs', async () => {
    const html = await t.app.inject({ url: '/docs' });
    expect([200, 302]).toContain(html.statusCode);
    const spec = (await t.app.inject({ url: '/docs/json' })).json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(spec.paths['/api/admin/auth/login'].post.requestBody.content['application/json'].schema.required).toEqual(['username', 'password']);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/healthz', '/readyz', '/api/admin/staff', '/api/admin/staff/{id}', '/api/admin/audit']));
  });
});

describe('5xx errors', () => {
  it('returns only a code and a generic message, never the internals', async () => {
    const t = await startTestApp();
    try {
      await createStaff(t.db.dataSource, { username: 'root', role: 'admin' });
      const token = await login(t.app, 'root');
      // The database disappears under a running app: the driver's error must not reach the client.
      await t.db.dataSource.destroy();
      const res = await t.app.inject({ url: '/api/admin/staff', headers: bearer(token) });
      expect(res.statusCode).toBe(500);
      expect(res.json()).toEqual({ statusCode: 500, code: 'INTERNAL_ERROR', message: 'Internal server error' });
    } finally {
      await t.close();
    }
  });
});
