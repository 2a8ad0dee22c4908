import { XMLParser, XMLValidator } from 'fast-xml-parser';

// WeChat's XML, both ways (WECHAT.md 1.2, 3.4, 4.3). Parsing refuses any DOCTYPE, so no entity can be
// declared, expanded or fetched; only XML's five built-in entities are decoded. Values stay strings: "007"
// is not 7 and a 64-bit MsgId keeps every digit. Replies are built here, never by string concatenation in
// handlers: text in CDATA with "]]>" split, and characters XML 1.0 forbids removed.

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

const parser = new XMLParser({
  ignoreAttributes: true,
  parseTagValue: false,
  processEntities: true,
  // Numeric character references are decoded too; the only named entities that reach the parser are XML's
  // five (parseWechatXml refuses any other before parsing), so HTML's names never apply.
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  trimValues: false,
  maxNestedTags: 16,
});

const DTD = /<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)/i;
const CDATA = /<!\[CDATA\[[\s\S]*?\]\]>/g;
const UNKNOWN_ENTITY = /&(?!(?:lt|gt|amp|apos|quot|#[0-9]{1,7}|#x[0-9a-fA-F]{1,6});)/;

/** Parses a WeChat push: one `<xml>` root whose children become string fields (nested ones as objects). */
export function parseWechatXml(text: string): XmlFields {
  if (DTD.test(text)) throw new WechatXmlError('DTDs and entity declarations are not accepted');
  if (UNKNOWN_ENTITY.test(text.replace(CDATA, ''))) throw new WechatXmlError('Malformed XML: an undeclared entity or a bare "&"');
  const valid = XMLValidator.validate(text);
  if (valid !== true) throw new WechatXmlError(`Malformed XML: ${valid.err.msg} (line ${valid.err.line})`);
  let doc: Record<string, unknown>;
  try {
    doc = parser.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new WechatXmlError(`Malformed XML: ${(err as Error).message}`);
  }
  const keys = Object.keys(doc);
  if (keys.length !== 1 || keys[0] !== 'xml') throw new WechatXmlError('The document root must be <xml>');
  const root = normalise(doc['xml']);
  if (typeof root !== 'object' || Array.isArray(root)) throw new WechatXmlError('<xml> must contain fields');
  return root;
}

// Whitespace between child elements is layout, not data; an element with children keeps only them.
function normalise(value: unknown): XmlNode {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(normalise);
  if (value && typeof value === 'object') {
    const out: XmlFields = Object.create(null) as XmlFields;
    for (const [key, child] of Object.entries(value)) {
      if (key === '#text') {
        if (typeof child === 'string' && child.trim() === '') continue;
        throw new WechatXmlError('Mixed text and elements are not expected');
      }
      out[key] = normalise(child);
    }
    return out;
  }
  return '';
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
