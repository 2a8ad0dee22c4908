import { MENU_LIMITS, toWechatMenu, validateMenu, type MenuTopButton } from '@fanbase/shared/wechat-menu';
import { systemClock } from '../../server/src/clock';
import { createWechatApi } from '../../server/src/wechat/api/client';
import type { CredentialStore } from '../../server/src/wechat/api/credentials';
import { assertMemberTagCount, chunk, WechatLimitError } from '../../server/src/wechat/api/limits';
import { redactCredentials } from '../../server/src/wechat/api/redact';

const rules = (buttons: MenuTopButton[]) => validateMenu(buttons).map((p) => `${p.path}:${p.rule}`);

describe("WeChat's menu rules", () => {
  const leaf = (name: string, key = name) => ({ type: 'click' as const, name, key });

  it('accepts a full menu at every limit, counting bytes as WeChat does', () => {
    const top = '一二三四五' + 'a'; // 5 × 3 + 1 = 16 bytes
    const sub = '测'.repeat(20); // 60 bytes
    const buttons = [0, 1, 2].map((i) => ({ name: top, sub_button: [0, 1, 2, 3, 4].map((j) => ({ ...leaf(sub, `K${i}${j}${'x'.repeat(120)}`) })) }));
    expect(rules(buttons)).toEqual([]);
  });

  it('names every broken rule with the button it is in', () => {
    const buttons: MenuTopButton[] = [
      { name: '一二三四五六', sub_button: [leaf('ok'), { type: 'view', name: '测'.repeat(21), url: 'ftp://x' }] },
      { name: '', type: 'click' },
      { name: 'x', sub_button: [0, 1, 2, 3, 4, 5].map((i) => leaf(`s${i}`)) },
      { name: 'y', type: 'miniprogram', appid: 'wx1', url: `https://e.com/${'a'.repeat(MENU_LIMITS.urlBytes)}` },
    ];
    expect(rules(buttons)).toEqual([
      'button:TOO_MANY_BUTTONS',
      'button[0].name:NAME_TOO_LONG',
      'button[0].sub_button[1].name:NAME_TOO_LONG',
      'button[0].sub_button[1].url:URL_INVALID',
      'button[1].name:NAME_REQUIRED',
      'button[1].key:FIELD_REQUIRED',
      'button[2].sub_button:TOO_MANY_SUB_BUTTONS',
      'button[3].pagepath:FIELD_REQUIRED',
      'button[3].url:URL_TOO_LONG',
    ]);
    expect(rules([])).toEqual(['button:TOO_FEW_BUTTONS']);
    expect(rules([{ name: 'a', sub_button: [leaf('a', 'K'), leaf('b', 'K')] }, { name: 'b' }])).toEqual(['button[0].sub_button[1].key:KEY_DUPLICATE', 'button[1].type:TYPE_REQUIRED']);
  });

  it("sends WeChat only each type's own fields, and a parent only its name and sub-buttons", () => {
    expect(toWechatMenu([{ name: 'P', type: 'click', key: 'stale', sub_button: [{ type: 'view', name: 'V', url: 'https://e.com', key: 'left-over' }] }, { name: 'C', type: 'click', key: 'K', url: '' }])).toEqual({
      button: [{ name: 'P', sub_button: [{ type: 'view', name: 'V', url: 'https://e.com' }] }, { type: 'click', name: 'C', key: 'K' }],
    });
  });
});

describe('WeChat size limits, checked before calling', () => {
  const calls: string[] = [];
  const credentials = {
    get: async (name: string) => {
      calls.push(name);
      throw new Error('no call should reach WeChat');
    },
    invalidate: async () => undefined,
  } as unknown as CredentialStore;
  const api = createWechatApi({ config: { apiBase: 'http://127.0.0.1:9', appId: 'wx0', appSecret: 's' }, credentials, clock: systemClock });

  it.each<[string, () => Promise<unknown>, RegExp]>([
    ['mass send to one follower', () => api.massSend({ openIds: ['o1', 'o1'] }, { type: 'text', content: 'x' }, 'c1'), /2\.\.10000 distinct/],
    ['mass send to 10,001', () => api.massSend({ openIds: Array.from({ length: 10_001 }, (_, i) => `o${i}`) }, { type: 'text', content: 'x' }, 'c1'), /got 10001 of 10001/],
    ['a 65-byte clientmsgid', () => api.massSend({ openIds: ['o1', 'o2'] }, { type: 'text', content: 'x' }, 'c'.repeat(65)), /1\.\.64 bytes/],
    ['a 65-byte template client_msg_id', () => api.sendTemplate({ openId: 'o1', templateId: 't', data: {}, clientMsgId: '测'.repeat(22) }), /got 66/],
    ['a tag name over 30 bytes', () => api.createTag('标签'.repeat(6)), /30 bytes/],
    ['renaming reserved tag 2', () => api.renameTag(2, '星标'), /reserved/],
    ['tagging with reserved tag 1', () => api.tagFollowers(1, ['o1']), /reserved/],
    ['a permanent QR scene 100001', () => api.createQrCode({ scene: 100_001, permanent: true }), /1\.\.100000/],
    ['a temporary QR scene 0', () => api.createQrCode({ scene: 0, permanent: false }), /non-zero 32-bit/],
    ['a temporary QR code for 31 days', () => api.createQrCode({ scene: 'spring', permanent: false, expireSeconds: 31 * 86_400 }), /30 days/],
    ['a 65-character scene string', () => api.createQrCode({ scene: 's'.repeat(65), permanent: true }), /1\.\.64 characters/],
    ['a permanent QR code with an expiry', () => api.createQrCode({ scene: 5, permanent: true, expireSeconds: 60 }), /no expiry/],
    ['a menu with four top buttons', () => api.publishMenu([1, 2, 3, 4].map((i) => ({ type: 'click' as const, name: `b${i}`, key: `k${i}` }))), /WeChat's rules/],
  ])('refuses %s', async (_what, call, message) => {
    const error = await call().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect((error as { statusCode: number }).statusCode).toBeGreaterThanOrEqual(400);
    expect(calls).toEqual([]);
  });

  it('refuses a 21st tag on a follower and chunks batches as WeChat requires', () => {
    expect(() => assertMemberTagCount(19, 1)).not.toThrow();
    expect(() => assertMemberTagCount(19, 2)).toThrow(WechatLimitError);
    expect(chunk(Array.from({ length: 230 }, (_, i) => i), 100).map((c) => c.length)).toEqual([100, 100, 30]);
  });
});

describe('credentials in URLs', () => {
  it('are redacted before anything reaches a log', () => {
    expect(redactCredentials('/sandbox/wechat/cgi-bin/menu/create?access_token=sbx_abc.DEF-1&x=1')).toBe('/sandbox/wechat/cgi-bin/menu/create?access_token=[redacted]&x=1');
    expect(redactCredentials('/sns/oauth2/access_token?appid=wx1&secret=s3cr3t&code=0a1b&grant_type=authorization_code')).toBe('/sns/oauth2/access_token?appid=wx1&secret=[redacted]&code=[redacted]&grant_type=authorization_code');
    expect(redactCredentials('url: https://api.weixin.qq.com/cgi-bin/user/get?next_openid=&access_token=TOKEN, status code: 404')).toBe('url: https://api.weixin.qq.com/cgi-bin/user/get?next_openid=&access_token=[redacted], status code: 404');
    expect(redactCredentials('errcode=40001&qrcode=1')).toBe('errcode=40001&qrcode=1');
  });
});
