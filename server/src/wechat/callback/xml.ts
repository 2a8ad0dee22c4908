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
  const r = new Reader(text);
  r.skipProlog();
  if (r.i >= text.length || text.charCodeAt(r.i) !== 0x3c) throw malformed('no root element', r.i);
  const root = r.element(1);
  const rootName = r.lastName;
  for (;;) {
    r.skipSpace();
    if (text.startsWith('<!--', r.i)) r.skipComment();
    else break;
  }
  if (r.i < text.length) throw malformed('content after the root element', r.i);
  if (rootName !== 'xml') throw new WechatXmlError('The document root must be <xml>');
  if (typeof root !== 'object' || Array.isArray(root)) {
    if (root === '') return Object.create(null) as XmlFields;
    throw new WechatXmlError('<xml> must contain fields');
  }
  return root;
}

// A cursor over the text; methods rather than closures so a parse allocates only what it returns.
class Reader {
  i = 0;
  /** The name of the element `element` last read. */
  lastName = '';

  constructor(private readonly text: string) {}

  skipSpace(): void {
    const { text } = this;
    while (this.i < text.length) {
      const c = text.charCodeAt(this.i);
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      this.i++;
    }
  }

  /** Before the root: a BOM, the XML declaration, comments and space; never a DOCTYPE. */
  skipProlog(): void {
    const { text } = this;
    if (text.charCodeAt(0) === 0xfeff) this.i = 1;
    for (;;) {
      this.skipSpace();
      if (text.startsWith('<?xml', this.i)) {
        const end = text.indexOf('?>', this.i);
        if (end < 0) throw malformed('unclosed declaration', this.i);
        this.i = end + 2;
      } else if (text.startsWith('<!--', this.i)) {
        this.skipComment();
      } else if (text.startsWith('<!', this.i) && !text.startsWith('<![CDATA[', this.i)) {
        throw new WechatXmlError('DTDs and entity declarations are not accepted');
      } else return;
    }
  }

  skipComment(): void {
    const end = this.text.indexOf('-->', this.i + 4);
    if (end < 0) throw malformed('unclosed comment', this.i);
    this.i = end + 3;
  }

  readName(): string {
    NAME.lastIndex = this.i;
    const m = NAME.exec(this.text);
    if (!m) throw malformed('an element name was expected', this.i);
    this.i = NAME.lastIndex;
    return m[0];
  }

  /** Reads the element whose "<" is at the cursor and returns its value; its name is left in `lastName`. */
  element(depth: number): XmlNode {
    const { text } = this;
    if (depth > MAX_DEPTH) throw malformed(`elements nested deeper than ${MAX_DEPTH}`, this.i);
    this.i++; // "<"
    const name = this.readName();
    if (FORBIDDEN_NAMES.has(name)) throw new WechatXmlError(`Malformed XML: the element name "${name}" is not accepted`);
    ATTRIBUTES.lastIndex = this.i;
    ATTRIBUTES.exec(text);
    this.i = ATTRIBUTES.lastIndex;
    if (text.startsWith('/>', this.i)) {
      this.i += 2;
      this.lastName = name;
      return '';
    }
    if (text.charCodeAt(this.i) !== 0x3e) throw malformed(`"<${name}" is not closed`, this.i);
    this.i++;
    let value = '';
    let hasText = false;
    let children: XmlFields | null = null;
    for (;;) {
      const lt = text.indexOf('<', this.i);
      if (lt < 0) throw malformed(`<${name}> is not closed`, this.i);
      if (lt > this.i) {
        const raw = text.slice(this.i, lt);
        if (!hasText && raw.trim() !== '') hasText = true;
        value += decode(raw, this.i);
        this.i = lt;
      }
      if (text.charCodeAt(this.i + 1) === 0x2f) {
        // "</"
        this.i += 2;
        const closing = this.readName();
        this.skipSpace();
        if (closing !== name || text.charCodeAt(this.i) !== 0x3e) throw malformed(`</${closing}> does not close <${name}>`, this.i);
        this.i++;
        this.lastName = name;
        if (children) {
          if (hasText) throw new WechatXmlError('Mixed text and elements are not expected');
          return children;
        }
        return value;
      }
      if (text.startsWith('<![CDATA[', this.i)) {
        const end = text.indexOf(']]>', this.i + 9);
        if (end < 0) throw malformed('unclosed CDATA section', this.i);
        value += text.slice(this.i + 9, end);
        hasText = true;
        this.i = end + 3;
        continue;
      }
      if (text.startsWith('<!--', this.i)) {
        this.skipComment();
        continue;
      }
      if (text.startsWith('<!', this.i)) throw new WechatXmlError('DTDs and entity declarations are not accepted');
      if (text.startsWith('<?', this.i)) throw malformed('a processing instruction', this.i);
      const childValue = this.element(depth + 1);
      const childName = this.lastName;
      children ??= Object.create(null) as XmlFields;
      const existing = children[childName];
      // A repeated element (Articles' items, SendPicsInfo's PicList) becomes a list, in document order.
      if (existing === undefined) children[childName] = childValue;
      else if (Array.isArray(existing)) existing.push(childValue);
      else children[childName] = [existing, childValue];
    }
  }
}

/** Text with XML's five entities and character references decoded; anything else with "&" is refused. */
function decode(raw: string, at: number): string {
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
