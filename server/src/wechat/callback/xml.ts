// WeChat's XML, both ways (WECHAT.md 1.2, 3.4, 4.3). Parsing refuses any DOCTYPE, so no entity can be
// declared, expanded or fetched; only XML's five built-in entities and character references are decoded. Values
// stay strings: "007" is not 7 and a 64-bit MsgId keeps every digit. Replies are built here, never by string
// concatenation in handlers: text in CDATA with "]]>" split, and characters XML 1.0 forbids removed.
//
// The parser is our own, for the small XML WeChat speaks (elements, text, CDATA; attributes skipped): one strict
// pass that checks well-formedness as it reads, which made it several times faster than validating and then
// parsing with a general parser on the callback's hot path.

export class WechatXmlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WechatXmlError';
  }
}

export type XmlNode = string | XmlFields | XmlNode[];
export interface XmlFields {
  [name: string]: XmlNode;
}

const MAX_DEPTH = 16;
const NAME = /[A-Za-z_][A-Za-z0-9_.-]*/y;
const ATTRIBUTES = /(?:\s+[A-Za-z_][A-Za-z0-9_.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*\s*/y;
const ENTITY = /&(?:(lt|gt|amp|apos|quot)|#([0-9]{1,7})|#x([0-9a-fA-F]{1,6}));/y;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' };
// Names that would reach Object.prototype through a careless consumer: refused outright.
const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

const malformed = (what: string, at: number) => new WechatXmlError(`Malformed XML: ${what} at offset ${at}`);

/** Parses a WeChat push: one `<xml>` root whose children become string fields (nested ones as objects). */
export function parseWechatXml(text: string): XmlFields {
  let i = 0;
  const n = text.length;

  const skipSpace = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      i++;
    }
  };
  // Before the root: a BOM, the XML declaration, comments and space; never a DOCTYPE.
  const skipProlog = () => {
    if (text.charCodeAt(0) === 0xfeff) i = 1;
    for (;;) {
      skipSpace();
      if (text.startsWith('<?xml', i)) {
        const end = text.indexOf('?>', i);
        if (end < 0) throw malformed('unclosed declaration', i);
        i = end + 2;
      } else if (text.startsWith('<!--', i)) {
        skipComment();
      } else if (text.startsWith('<!', i) && !text.startsWith('<![CDATA[', i)) {
        throw new WechatXmlError('DTDs and entity declarations are not accepted');
      } else return;
    }
  };
  const skipComment = () => {
    const end = text.indexOf('-->', i + 4);
    if (end < 0) throw malformed('unclosed comment', i);
    i = end + 3;
  };
  const readName = () => {
    NAME.lastIndex = i;
    const m = NAME.exec(text);
    if (!m) throw malformed('an element name was expected', i);
    i = NAME.lastIndex;
    return m[0];
  };
  const decode = (raw: string, at: number): string => {
    if (raw.indexOf('&') < 0) return raw;
    let out = '';
    let from = 0;
    for (let amp = raw.indexOf('&'); amp >= 0; amp = raw.indexOf('&', from)) {
      ENTITY.lastIndex = amp;
      const m = ENTITY.exec(raw);
      if (!m) throw new WechatXmlError(`Malformed XML: an undeclared entity or a bare "&" at offset ${at + amp}`);
      const code = m[2] !== undefined ? Number(m[2]) : m[3] !== undefined ? parseInt(m[3], 16) : -1;
      if (code > 0x10ffff) throw malformed('a character reference out of range', at + amp);
      out += raw.slice(from, amp) + (code >= 0 ? String.fromCodePoint(code) : NAMED[m[1]!]);
      from = ENTITY.lastIndex;
    }
    return out + raw.slice(from);
  };

  // Reads the element whose "<" is at i; returns its name and value.
  const element = (depth: number): [string, XmlNode] => {
    if (depth > MAX_DEPTH) throw malformed(`elements nested deeper than ${MAX_DEPTH}`, i);
    i++; // "<"
    const name = readName();
    if (FORBIDDEN_NAMES.has(name)) throw new WechatXmlError(`Malformed XML: the element name "${name}" is not accepted`);
    ATTRIBUTES.lastIndex = i;
    ATTRIBUTES.exec(text);
    i = ATTRIBUTES.lastIndex;
    if (text.startsWith('/>', i)) {
      i += 2;
      return [name, ''];
    }
    if (text.charCodeAt(i) !== 0x3e) throw malformed(`"<${name}" is not closed`, i);
    i++;
    let value = '';
    let hasText = false;
    let children: XmlFields | null = null;
    for (;;) {
      const lt = text.indexOf('<', i);
      if (lt < 0) throw malformed(`<${name}> is not closed`, i);
      if (lt > i) {
        const raw = text.slice(i, lt);
        if (raw.trim() !== '') hasText = true;
        value += decode(raw, i);
        i = lt;
      }
      if (text.startsWith('</', i)) {
        i += 2;
        const closing = readName();
        skipSpace();
        if (closing !== name || text.charCodeAt(i) !== 0x3e) throw malformed(`</${closing}> does not close <${name}>`, i);
        i++;
        if (children) {
          if (hasText) throw new WechatXmlError('Mixed text and elements are not expected');
          return [name, children];
        }
        return [name, value];
      }
      if (text.startsWith('<![CDATA[', i)) {
        const end = text.indexOf(']]>', i + 9);
        if (end < 0) throw malformed('unclosed CDATA section', i);
        value += text.slice(i + 9, end);
        hasText = true;
        i = end + 3;
        continue;
      }
      if (text.startsWith('<!--', i)) {
        skipComment();
        continue;
      }
      if (text.startsWith('<!', i)) throw new WechatXmlError('DTDs and entity declarations are not accepted');
      if (text.startsWith('<?', i)) throw malformed('a processing instruction', i);
      const [childName, childValue] = element(depth + 1);
      children ??= Object.create(null) as XmlFields;
      const existing = children[childName];
      // A repeated element (Articles' items, SendPicsInfo's PicList) becomes a list, in document order.
      if (existing === undefined) children[childName] = childValue;
      else if (Array.isArray(existing)) existing.push(childValue);
      else children[childName] = [existing, childValue];
    }
  };

  skipProlog();
  if (i >= n || text.charCodeAt(i) !== 0x3c) throw malformed('no root element', i);
  const [rootName, root] = element(1);
  for (;;) {
    skipSpace();
    if (text.startsWith('<!--', i)) skipComment();
    else break;
  }
  if (i < n) throw malformed('content after the root element', i);
  if (rootName !== 'xml') throw new WechatXmlError('The document root must be <xml>');
  if (typeof root !== 'object' || Array.isArray(root)) {
    if (root === '') return Object.create(null) as XmlFields;
    throw new WechatXmlError('<xml> must contain fields');
  }
  return root;
}

/** A field's text, or undefined when absent or not a plain value. */
export function textField(fields: XmlFields, name: string): string | undefined {
  const value = fields[name];
  return typeof value === 'string' ? value : undefined;
}

// XML 1.0 allows tab, LF, CR and U+0020 upward, except surrogates (paired ones are fine) and U+FFFE/U+FFFF.
const ILLEGAL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

export function stripIllegalXmlChars(text: string): string {
  return text.replace(ILLEGAL, '');
}

function cdata(text: string): string {
  return `<![CDATA[${stripIllegalXmlChars(text).replaceAll(']]>', ']]]]><![CDATA[>')}]]>`;
}

/** A reply value: strings go in CDATA, numbers (CreateTime, ArticleCount) as plain digits, arrays as repeated `item`s. */
export type ReplyValue = string | number | ReplyFields | ReplyFields[];
export interface ReplyFields {
  [name: string]: ReplyValue;
}

export function buildXml(fields: ReplyFields, root = 'xml'): string {
  return `<${root}>${Object.entries(fields).map(([name, value]) => element(name, value)).join('')}</${root}>`;
}

function element(name: string, value: ReplyValue): string {
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(name)) throw new Error(`Not a WeChat XML field name: ${name}`);
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer`);
    return `<${name}>${value}</${name}>`;
  }
  if (typeof value === 'string') return `<${name}>${cdata(value)}</${name}>`;
  if (Array.isArray(value)) return `<${name}>${value.map((item) => buildXml(item, 'item')).join('')}</${name}>`;
  return buildXml(value, name);
}
