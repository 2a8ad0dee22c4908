import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

// How WeChat's API answers over HTTP, whatever the endpoint: always 200, JSON, an errcode and an errmsg with a
// request id on failure (WECHAT.md 1.9: clients match on errcode, never errmsg). 64-bit ids (msgid, msg_id)
// are bare JSON numbers beyond 2^53, as WeChat sends them, so the client must read them without losing digits.

/** A WeChat error answer; `extra` goes in the body beside errcode/errmsg (45065 carries the existing msg_id). */
export class WechatFault extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(`${errcode} ${errmsg}`);
    this.name = 'WechatFault';
  }
}

export const fault = (errcode: number, errmsg: string, extra?: Record<string, unknown>) => new WechatFault(errcode, errmsg, extra);

const BIG = '\u0000bigint:';

/** JSON with bigint values written as bare numbers. */
export function wechatJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${BIG}${v}` : v)).replace(/"\\u0000bigint:(-?\d+)"/g, '$1');
}

export function sendWechat(reply: FastifyReply, value: unknown): FastifyReply {
  return reply.code(200).header('content-type', 'application/json; encoding=utf-8').send(wechatJson(value));
}

export function sendFault(reply: FastifyReply, err: WechatFault): FastifyReply {
  return sendWechat(reply, { errcode: err.errcode, errmsg: `${err.errmsg} rid: sandbox-${randomBytes(4).toString('hex')}`, ...err.extra });
}

export type WechatQuery = Record<string, string | undefined>;
export type WechatBody = Record<string, unknown>;

const NOT_JSON = Symbol('not-json');

/**
 * WeChat reads the body as JSON whatever the content type says, and answers 47001 to what it cannot parse, so
 * the API routes take the raw text. A msg_id sent back as a bare number is read as a string, keeping its digits.
 */
export function acceptRawBodies(app: FastifyInstance): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
    const text = String(body).trim();
    if (text === '') return done(null, undefined);
    try {
      done(null, JSON.parse(text.replace(/("msg_id"\s*:\s*)(\d{16,})/g, '$1"$2"')) as unknown);
    } catch {
      done(null, NOT_JSON);
    }
  });
}

/** The POST body as an object, or WeChat's codes: 44002 empty post data, 47001 data format error. */
export function jsonBody(request: FastifyRequest): WechatBody {
  const body = request.body;
  if (body === undefined || body === null) throw fault(44002, 'empty post data');
  if (body === NOT_JSON || typeof body !== 'object' || Array.isArray(body)) throw fault(47001, 'data format error');
  return body as WechatBody;
}

// Readers for loosely typed JSON: WeChat accepts numbers given as strings and the reverse in most places.
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined);
export const int = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d{1,15}$/.test(v.trim())) return Number(v.trim());
  return undefined;
};
export const obj = (v: unknown): WechatBody | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as WechatBody) : undefined);
