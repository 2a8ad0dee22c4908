import { createCipheriv } from 'node:crypto';
import { createMessageCipher, decodeAesKey, WechatCryptoError } from '../../server/src/wechat/callback/crypto';
import { sha1Signature, signatureMatches } from '../../server/src/wechat/callback/signature';
import { buildXml, parseWechatXml, stripIllegalXmlChars, WechatXmlError } from '../../server/src/wechat/callback/xml';
import { jsapiSignature } from '../../server/src/wechat/jssdk';

// Official vectors from WeChat's documentation and a cross-implementation safe-mode vector
// (../shared/WECHAT.md 1.1, 1.2, 1.3, 1.17).
describe('callback signatures', () => {
  it('matches the official GET (URL verification) vector', () => {
    expect(sha1Signature(['AAAAA', '1714036504', '1514711492'])).toBe('f464b24fc39322e44b38aa78f5edd27bd1441696');
  });

  it('matches the official POST vector', () => {
    expect(sha1Signature(['AAAAA', '1714037059', '486452656'])).toBe('899cf89e464efb63f54ddac96b0a0a235f53aa78');
  });

  it('accepts only the exact 40-hex signature (any case), and rejects missing, short or altered ones', () => {
    const good = sha1Signature(['AAAAA', '1714037059', '486452656']);
    expect(signatureMatches(good, good)).toBe(true);
    expect(signatureMatches(good, good.toUpperCase())).toBe(true);
    for (const bad of [undefined, '', good.slice(1), `${good}0`, good.replace(/.$/, (c) => (c === '0' ? '1' : '0')), ['x'], 'z'.repeat(40)]) {
      expect(signatureMatches(good, bad)).toBe(false);
    }
  });
});

describe('safe-mode encryption', () => {
  const vector = {
    token: '123456',
    key: 'kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR',
    appId: 'wx49f0ab532d5d035a',
    timestamp: '1411525903',
    nonce: '461056294',
  };
  const cipher = createMessageCipher({ appId: vector.appId, encodingAesKeys: [vector.key] });

  it('encrypts byte for byte as the reference vector, with its MsgSignature', () => {
    const reply = [
      '<xml>',
      '<MsgType><![CDATA[text]]></MsgType>',
      '<Content><![CDATA[test]]></Content>',
      '<FromUserName><![CDATA[wx49f0ab532d5d035a]]></FromUserName>',
      '<ToUserName><![CDATA[messense]]></ToUserName>',
      '<AgentID>1</AgentID>',
      '<CreateTime>1411525903</CreateTime>',
      '</xml>',
    ].join('\n');
    const encrypted = cipher.encrypt(reply, 0, Buffer.from('1234567890123456'));
    expect(encrypted).toBe(
      '9s4gMv99m88kKTh/H8IdkOiMg6bisoy3ypwy9H4hvSPe9nsGaqyw5hhSjdYbcrKk+j3nba4HMOTzHrluLBYqxgNcBqGsL8GqxlhZgURnAtObvesEl5nZ+uBE8bviY0LWke8Zy9V/QYKxNV2FqllNXcfmstttyIkMKCCmVbCFM2JTF5wY0nFhHZSjPUL2Q1qvSUCUld+/WIXrx0oyKQmpB6o8NRrrNrsDf03oxI1p9FxUgMnwKKZeOA/uu+2IEvEBtb7muXsVbwbgX05UPPJvFurDXafG0RQyPR+mf1nDnAtQmmNOuiR5MIkdQ39xn1vWwi1O5oazPoQJz0nTYjxxEE8kv3kFxtAGVRe3ypD3WeK2XeFYFMNMpatF9XiKzHo3',
    );
    expect(sha1Signature([vector.token, vector.timestamp, vector.nonce, encrypted])).toBe('407518b7649e86ef23978113f92d27afa9296533');
    expect(cipher.decrypt(encrypted)).toEqual({ xml: reply, keyIndex: 0 });
  });

  it('decrypts the reference push and checks its msg_signature', () => {
    const encrypted =
      'RgqEoJj5A4EMYlLvWO1F86ioRjZfaex/gePD0gOXTxpsq5Yj4GNglrBb8I2BAJVODGajiFnXBu7mCPatfjsu6IHCrsTyeDXzF6Bv283dGymzxh6ydJRvZsryDyZbLTE7rhnus50qGPMfp2wASFlzEgMW9z1ef/RD8XzaFYgm7iTdaXpXaG4+BiYyolBug/gYNx410cvkKR2/nPwBiT+P4hIiOAQqGp/TywZBtDh1yCF2KOd0gpiMZ5jSw3e29mTvmUHzkVQiMS6td7vXUaWOMZnYZlF3So2SjHnwh4jYFxdgpkHHqIrH/54SNdshoQgWYEvccTKe7FS709/5t6NMxuGhcUGAPOQipvWTT4dShyqio7mlsl5noTrb++x6En749zCpQVhDpbV6GDnTbcX2e8K9QaNWHp91eBdCRxthuL0=';
    expect(signatureMatches(sha1Signature([vector.token, vector.timestamp, vector.nonce, encrypted]), '74d92dfeb87ba7c714f89d98870ae5eb62dff26d')).toBe(true);
    const fields = parseWechatXml(cipher.decrypt(encrypted).xml);
    expect(fields['Content']).toBe('test');
    expect(fields['FromUserName']).toBe('messense');
  });

  it('round-trips every padding length and multi-byte text (msg_len counts UTF-8 bytes)', () => {
    for (let n = 0; n < 70; n++) {
      const xml = `<xml><Content><![CDATA[${'光'.repeat(n % 7)}${'a'.repeat(n)}😀]]></Content></xml>`;
      expect(cipher.decrypt(cipher.encrypt(xml)).xml).toBe(xml);
    }
  });

  it('accepts the previous EncodingAESKey during a rotation and says which key worked', () => {
    const next = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    const old = createMessageCipher({ appId: vector.appId, encodingAesKeys: [vector.key] });
    const rotating = createMessageCipher({ appId: vector.appId, encodingAesKeys: [next, vector.key] });
    const fromOld = rotating.decrypt(old.encrypt('<xml/>'));
    expect(fromOld).toEqual({ xml: '<xml/>', keyIndex: 1 });
    expect(old.decrypt(rotating.encrypt('<xml>r</xml>', fromOld.keyIndex)).xml).toBe('<xml>r</xml>');
    expect(() => createMessageCipher({ appId: vector.appId, encodingAesKeys: [next] }).decrypt(old.encrypt('<xml/>'))).toThrow(WechatCryptoError);
  });

  const reason = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return err instanceof WechatCryptoError ? err.reason : `other: ${(err as Error).message}`;
    }
    return 'no error';
  };

  // Encrypts raw bytes with the vector's key and no padding of ours, to forge malformed plaintexts.
  const raw = (plain: Buffer) => {
    const key = decodeAesKey(vector.key);
    const c = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
    c.setAutoPadding(false);
    return Buffer.concat([c.update(plain), c.final()]).toString('base64');
  };
  const body = (msg: string, appId = vector.appId, declared?: number) => {
    const m = Buffer.from(msg);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(declared ?? m.length);
    return Buffer.concat([Buffer.alloc(16, 1), len, m, Buffer.from(appId)]);
  };
  const padded = (b: Buffer, pad: number, fill = pad) => Buffer.concat([b, Buffer.alloc(pad, fill)]);

  it('refuses broken padding, a bad length field, another AppID, and malformed Base64', () => {
    const b = body('<xml/>'); // 16 + 4 + 6 + 18 = 44 bytes: 20 bytes of padding make 64
    expect(reason(() => cipher.decrypt(raw(padded(b, 20))))).toBe('no error');
    const uneven = padded(b, 20);
    uneven[uneven.length - 7] = 7;
    expect(reason(() => cipher.decrypt(raw(uneven)))).toBe('BAD_PADDING');
    expect(reason(() => cipher.decrypt(raw(Buffer.concat([b, Buffer.alloc(19, 20), Buffer.from([33])]))))).toBe('BAD_PADDING');
    expect(reason(() => cipher.decrypt(raw(Buffer.concat([b, Buffer.alloc(19, 20), Buffer.from([0])]))))).toBe('BAD_PADDING');
    expect(reason(() => cipher.decrypt(raw(padded(body('<xml/>', vector.appId, 1000), 20))))).toBe('BAD_MESSAGE_LENGTH');
    expect(reason(() => cipher.decrypt(raw(padded(body('<xml/>', 'wx0000000000000000'), 20))))).toBe('APPID_MISMATCH');
    expect(reason(() => cipher.decrypt(raw(padded(Buffer.alloc(10, 7), 22))))).toBe('BAD_MESSAGE_LENGTH');
    expect(reason(() => cipher.decrypt('not base64!'))).toBe('BAD_BASE64');
    expect(reason(() => cipher.decrypt(''))).toBe('BAD_BASE64');
    expect(reason(() => cipher.decrypt('A'.repeat(64 * 1024 + 4)))).toBe('BAD_BASE64');
    expect(reason(() => cipher.decrypt(Buffer.alloc(16).toString('base64')))).toBe('BAD_LENGTH');
    expect(reason(() => cipher.decrypt(Buffer.alloc(40).toString('base64')))).toBe('BAD_LENGTH');
  });

  it('refuses a malformed EncodingAESKey at configuration time', () => {
    expect(() => decodeAesKey('short')).toThrow(/43 characters/);
    expect(() => decodeAesKey(`${'a'.repeat(42)}+`)).toThrow(/43 characters/);
  });
});

describe('WeChat XML', () => {
  it('keeps every value a string: leading zeros, 64-bit MsgIds, CreateTime', () => {
    const fields = parseWechatXml(
      '<xml><ToUserName><![CDATA[gh_123]]></ToUserName><FromUserName><![CDATA[o-abc]]></FromUserName><CreateTime>1714037059</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[007]]></Content><MsgId>23637352235060880</MsgId></xml>',
    );
    expect(fields).toEqual({ ToUserName: 'gh_123', FromUserName: 'o-abc', CreateTime: '1714037059', MsgType: 'text', Content: '007', MsgId: '23637352235060880' });
  });

  it('reads nested event fields, decodes the built-in entities and leaves CDATA as written', () => {
    const fields = parseWechatXml(
      '<xml>\n  <Event><![CDATA[scancode_waitmsg]]></Event>\n  <ScanCodeInfo>\n    <ScanType><![CDATA[qrcode]]></ScanType>\n    <ScanResult>a &amp; b &lt;c&gt; &#x4E2D;&#25991;</ScanResult>\n  </ScanCodeInfo>\n  <Content><![CDATA[x &amp; y &foo;]]></Content>\n</xml>',
    );
    expect(fields).toEqual({ Event: 'scancode_waitmsg', ScanCodeInfo: { ScanType: 'qrcode', ScanResult: 'a & b <c> 中文' }, Content: 'x &amp; y &foo;' });
  });

  it('reads what else well-formed XML may hold: a declaration, a BOM, comments, attributes, empty and repeated elements', () => {
    const fields = parseWechatXml(
      '\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<!-- pushed --><xml><Empty/><Blank></Blank><Tagged kind="x" n=\'1\'>v</Tagged><SendPicsInfo><Count>2</Count><PicList><item><PicMd5Sum>a</PicMd5Sum></item><item><PicMd5Sum>b</PicMd5Sum></item></PicList></SendPicsInfo><!-- end --></xml>\n',
    );
    expect(fields).toEqual({ Empty: '', Blank: '', Tagged: 'v', SendPicsInfo: { Count: '2', PicList: { item: [{ PicMd5Sum: 'a' }, { PicMd5Sum: 'b' }] } } });
    expect(Object.getPrototypeOf(fields)).toBeNull();
  });

  it.each([
    ['elements nested 17 deep', `<xml>${'<a>'.repeat(16)}x${'</a>'.repeat(16)}</xml>`, /nested deeper than 16/],
    ['a character reference beyond Unicode', '<xml><a>&#x110000;</a></xml>', /out of range/],
    ['text mixed with elements', '<xml><a>text<b>1</b></a></xml>', /Mixed text/],
    ['a DTD after the root has begun', '<xml><!DOCTYPE x><a>1</a></xml>', /DTD/],
    ['an unclosed CDATA section', '<xml><a><![CDATA[x</a></xml>', /unclosed CDATA/],
    ['a bare ampersand', '<xml><a>AT&T</a></xml>', /bare "&"/],
    ['a constructor element', '<xml><constructor>1</constructor></xml>', /not accepted/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parseWechatXml(text)).toThrow(WechatXmlError);
    expect(() => parseWechatXml(text)).toThrow(message);
  });

  it.each([
    ['a DTD', '<!DOCTYPE xml><xml><a>1</a></xml>', /DTD/],
    ['an external entity', '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><xml><a>&xxe;</a></xml>', /DTD/],
    ['entity expansion', `<!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa">${Array.from({ length: 8 }, (_, i) => `<!ENTITY a${i + 1} "${`&a${i || ''};`.repeat(10)}">`).join('')}]><xml><a>&a8;</a></xml>`, /DTD/],
    ['an undeclared entity', '<xml><a>&foo;</a></xml>', /undeclared entity/],
    ['an HTML entity', '<xml><a>&nbsp;</a></xml>', /undeclared entity/],
    ['mismatched tags', '<xml><a>1</b></xml>', /Malformed/],
    ['unclosed root', '<xml><a>1</a>', /Malformed/],
    ['two roots', '<xml><a>1</a></xml><xml><a>2</a></xml>', /./],
    ['another root', '<root><a>1</a></root>', /root must be <xml>/],
    ['an empty body', '', /Malformed/],
    ['JSON', '{"ToUserName":"gh"}', /Malformed/],
    ['a prototype-polluting tag', '<xml><__proto__><a>1</a></__proto__></xml>', /./],
  ])('refuses %s', (_name, text, message) => {
    expect(() => parseWechatXml(text)).toThrow(WechatXmlError);
    expect(() => parseWechatXml(text)).toThrow(message);
  });

  it('builds replies in CDATA, splitting "]]>" and dropping characters XML forbids', () => {
    const xml = buildXml({ ToUserName: 'o-abc', FromUserName: 'gh_123', CreateTime: 1714037059, MsgType: 'text', Content: 'a]]>b\u0001c\u001dd 😀\n光' });
    expect(xml).toBe(
      '<xml><ToUserName><![CDATA[o-abc]]></ToUserName><FromUserName><![CDATA[gh_123]]></FromUserName><CreateTime>1714037059</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[a]]]]><![CDATA[>bcd 😀\n光]]></Content></xml>',
    );
    expect(parseWechatXml(xml)['Content']).toBe('a]]>bcd 😀\n光');
  });

  it('builds news replies with repeated items', () => {
    const xml = buildXml({ MsgType: 'news', ArticleCount: 2, Articles: [{ Title: '一', Url: 'https://x/1' }, { Title: '二', Url: 'https://x/2' }] });
    expect(parseWechatXml(xml)).toEqual({ MsgType: 'news', ArticleCount: '2', Articles: { item: [{ Title: '一', Url: 'https://x/1' }, { Title: '二', Url: 'https://x/2' }] } });
  });

  it('removes lone surrogates and U+FFFE but keeps emoji pairs', () => {
    expect(stripIllegalXmlChars('a\uD800b\uDC00c\uFFFEd😀')).toBe('abcd😀');
  });
});

describe('JS-SDK signature', () => {
  const ticket = 'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg';
  it('matches the official vector, with and without a query, and ignores the fragment', () => {
    const base = { ticket, nonceStr: 'Wm3WZYTPz0wzccnW', timestamp: 1414587457 };
    expect(jsapiSignature({ ...base, url: 'http://mp.weixin.qq.com' })).toBe('f4d90daf4b3bca3078ab155816175ba34c443a7b');
    expect(jsapiSignature({ ...base, url: 'http://mp.weixin.qq.com?params=value' })).toBe('0f9de62fce790f9a083d5c99e95740ceb90c27ed');
    expect(jsapiSignature({ ...base, url: 'http://mp.weixin.qq.com?params=value#/h5/warranty' })).toBe('0f9de62fce790f9a083d5c99e95740ceb90c27ed');
  });
});
