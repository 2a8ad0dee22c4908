// Case (a): the floor. Bare Fastify answering POST /wechat with a fixed XML text reply: the body is read as a
// string (any server must read it) but never parsed, and no signature is checked.
import Fastify from 'fastify';
import { benchPort, exitWithParent } from './common';

const REPLY =
  '<xml><ToUserName><![CDATA[oBENCH0000000000000000000000]]></ToUserName><FromUserName><![CDATA[gh_fanbasebench]]></FromUserName>' +
  '<CreateTime>1700000000</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[价格请见商城]]></Content></xml>';

async function main() {
  const app = Fastify({ logger: false });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(['text/xml', 'application/xml', 'text/plain'], { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, body));
  app.post('/wechat', async (_request, reply) => reply.header('content-type', 'text/xml; charset=utf-8').send(REPLY));
  await app.listen({ host: '127.0.0.1', port: benchPort() });
  exitWithParent();
  for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void app.close().then(() => process.exit(0)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
