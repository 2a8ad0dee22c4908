import type { MenuState } from '@fanbase/shared/contracts/menus';
import { toWechatMenu, type MenuTopButton } from '@fanbase/shared/wechat-menu';
import { defaultMenu } from '../../server/src/demo/data';
import { bearer, createStaff, login, startTestApp, type TestApp } from '../support/app';

const service = (name: string): MenuTopButton[] => [
  { name: '互动', type: 'view', url: 'https://example.com/h5/community' },
  { name, sub_button: [{ type: 'click', name: '联系客服', key: 'SERVICE_AGENT' }, { type: 'view', name: '我的保修', url: 'https://example.com/h5/warranty' }] },
];

describe('the custom menu', () => {
  let t: TestApp;
  let ops: string;

  beforeAll(async () => {
    t = await startTestApp({ listen: true });
    await createStaff(t.db.dataSource, { username: 'olivia', role: 'ops' });
    await createStaff(t.db.dataSource, { username: 'sam', role: 'support' });
    ops = await login(t.app, 'olivia');
  });
  afterAll(() => t.close());

  const call = async (method: 'GET' | 'PUT' | 'POST', url: string, payload?: unknown) => {
    const res = await t.app.inject({ method, url: `/api/admin${url}`, headers: bearer(ops), ...(payload ? { payload } : {}) });
    return { status: res.statusCode, body: res.json() as MenuState & { code?: string; details?: { field: string }[]; message?: string } };
  };
  /** What the WeChat sandbox now shows followers. */
  const onWechat = async () => (await t.app.inject({ url: '/sandbox/wechat/_sim/state' })).json().menu as unknown;

  it('starts empty, is for ops and admin only, and saves a draft with its problems listed', async () => {
    const support = await login(t.app, 'sam');
    expect((await t.app.inject({ url: '/api/admin/menu', headers: bearer(support) })).statusCode).toBe(403);

    const empty = await call('GET', '/menu');
    expect(empty.body).toMatchObject({ published: null, history: [], unpublishedChanges: false, draft: { buttons: [], problems: [{ rule: 'TOO_FEW_BUTTONS' }] } });

    const bad = await call('PUT', '/menu/draft', { buttons: service('服务中心超长名字了') });
    expect(bad.status).toBe(200);
    expect(bad.body.draft.problems).toEqual([{ path: 'button[1].name', top: 1, sub: null, field: 'name', rule: 'NAME_TOO_LONG', limit: 16 }]);
    expect(bad.body.unpublishedChanges).toBe(true);

    const refused = await call('POST', '/menu/publish');
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('MENU_INVALID');
    expect(refused.body.details).toEqual([{ field: 'button[1].name', message: 'NAME_TOO_LONG (limit 16)' }]);
    expect(await onWechat()).toBeNull();

    const unknownField = await call('PUT', '/menu/draft', { buttons: [{ name: 'x', type: 'click', key: 'k', color: 'red' }] });
    expect(unknownField.status).toBe(400);
  });

  it('publishes to WeChat, keeps every version, and rolls back to an earlier one', async () => {
    await call('PUT', '/menu/draft', { buttons: service('服务') });
    const first = await call('POST', '/menu/publish');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ unpublishedChanges: false, published: { publishedBy: { name: 'olivia' }, rolledBackFrom: null } });
    expect(await onWechat()).toEqual(toWechatMenu(service('服务')).button);

    const edited = await call('PUT', '/menu/draft', { buttons: service('售后') });
    expect(edited.body.unpublishedChanges).toBe(true);
    const second = await call('POST', '/menu/publish');
    expect(await onWechat()).toEqual(toWechatMenu(service('售后')).button);
    expect(second.body.history.map((v) => v.id)).toEqual([second.body.published!.id, first.body.published!.id]);

    const back = await call('POST', `/menu/versions/${first.body.published!.id}/rollback`);
    expect(back.status).toBe(200);
    expect(back.body.published).toMatchObject({ rolledBackFrom: first.body.published!.id, buttons: service('服务') });
    expect(back.body.draft.buttons).toEqual(service('服务'));
    expect(back.body.history).toHaveLength(3);
    expect(await onWechat()).toEqual(toWechatMenu(service('服务')).button);

    expect((await call('POST', '/menu/versions/99999/rollback')).body.code).toBe('MENU_VERSION_NOT_FOUND');

    await call('PUT', '/menu/draft', { buttons: service('试试') });
    const reset = await call('POST', '/menu/draft/reset');
    expect(reset.body).toMatchObject({ unpublishedChanges: false, draft: { buttons: service('服务') } });

    const audit = (await t.db.dataSource.query("SELECT action FROM audit_log WHERE action LIKE 'menu.%' ORDER BY id")) as { action: string }[];
    expect(audit.map((a) => a.action)).toEqual(['menu.draft.save', 'menu.draft.save', 'menu.publish', 'menu.draft.save', 'menu.publish', 'menu.rollback', 'menu.draft.save', 'menu.draft.reset']);
  });

  it('records nothing when WeChat refuses, and says what WeChat answered', async () => {
    const before = (await call('GET', '/menu')).body.history.length;
    await t.app.inject({ method: 'POST', url: '/sandbox/wechat/_sim/faults', payload: { path: '/cgi-bin/menu/create', errcode: 45009 } });
    await call('PUT', '/menu/draft', { buttons: service('新服务') });
    const refused = await call('POST', '/menu/publish');
    expect(refused.status).toBe(502);
    expect(refused.body).toMatchObject({ code: 'WECHAT_API_ERROR', message: expect.stringContaining('45009') });
    const after = (await call('GET', '/menu')).body;
    expect(after.history).toHaveLength(before);
    expect(after.unpublishedChanges).toBe(true);
    expect(await onWechat()).toEqual(toWechatMenu(service('服务')).button);
  });
});

describe('the demo menu', () => {
  it('is published to the sandbox when a demo server starts listening, and sent again after a restart', async () => {
    const sandboxMenu = async (app: TestApp['app']) => {
      for (let i = 0; i < 50; i++) {
        const menu = (await app.inject({ url: '/sandbox/wechat/_sim/state' })).json().menu as unknown;
        if (menu) return menu;
        await new Promise((r) => setTimeout(r, 100));
      }
      return null;
    };
    const t = await startTestApp({ listen: true, env: { DEMO_SEED: 'true' } });
    try {
      const menu = await sandboxMenu(t.app);
      expect(menu).toEqual(toWechatMenu(defaultMenu(t.config.publicUrl)).button);
      const names = (menu as { name: string; sub_button: { name: string }[] }[]).map((b) => b.name);
      expect(names).toEqual(['互动', '服务', '销售']);
      const versions = (await t.db.dataSource.query('SELECT COUNT(*) AS n FROM menu_version')) as { n: string | number }[];
      expect(Number(versions[0]!.n)).toBe(1);

      // A restarted server has a fresh sandbox: the recorded menu goes back to it, and no version is added.
      const restarted = await startTestApp({ db: t.db, listen: true, env: { DEMO_SEED: 'true' } });
      try {
        expect(await sandboxMenu(restarted.app)).toEqual(menu);
        const again = (await t.db.dataSource.query('SELECT COUNT(*) AS n FROM menu_version')) as { n: string | number }[];
        expect(Number(again[0]!.n)).toBe(1);
      } finally {
        await restarted.close();
      }
    } finally {
      await t.close();
    }
  });
});
