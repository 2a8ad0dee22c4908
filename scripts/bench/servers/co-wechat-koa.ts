// Case (p): the peer. co-wechat 2.4.0 (what most Node WeChat projects use) on Koa 3, answering the same
// keyword with the same text reply. co-wechat checks the signature, reads the body, parses the XML with
// xml2js and renders the reply with ejs. It runs on Koa 3 unchanged: it only uses ctx.query, ctx.method,
// ctx.req, ctx.request.length/charset, ctx.status, ctx.body and ctx.type, all still in Koa 3.
import { benchPort, exitWithParent } from './common';

// Both packages are untyped CommonJS; these are the parts used here.
interface KoaContext {
  status: number;
  body: unknown;
}
interface KoaApp {
  env: string;
  use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): KoaApp;
  listen(port: number, host: string, callback: () => void): import('node:http').Server;
}
type WechatMessage = Record<string, unknown>;
type CoWechat = (config: { token: string; appid?: string; encodingAESKey?: string }) => {
  middleware(handle: (message: WechatMessage, ctx: KoaContext) => Promise<string>): (ctx: KoaContext, next: () => Promise<void>) => Promise<void>;
};

const Koa = require('koa') as new () => KoaApp;
const wechat = require('co-wechat') as CoWechat;

const token = process.env['BENCH_WECHAT_TOKEN'];
if (!token) throw new Error('BENCH_WECHAT_TOKEN is not set');
const keyword = process.env['BENCH_KEYWORD'] ?? '价格';
const answer = process.env['BENCH_REPLY'] ?? '价格请见商城';

const app = new Koa();
app.env = 'production';
app.use(
  wechat({ token }).middleware(async (message) => {
    // An exact keyword match as Fanbase's rule does it (trimmed, case-insensitive); '' means no reply.
    if (message['MsgType'] === 'text' && typeof message['Content'] === 'string' && message['Content'].trim().toLowerCase() === keyword.toLowerCase()) return answer;
    return '';
  }),
);
const server = app.listen(benchPort(), '127.0.0.1', () => exitWithParent());
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => server.close(() => process.exit(0)));
