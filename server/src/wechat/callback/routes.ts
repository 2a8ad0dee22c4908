import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyBaseLogger, FastifyReply } from 'fastify';
import type { Clock } from '../../clock';
import type { WechatConfig } from '../../config';
import { AppError } from '../../errors';
import { createMessageCipher, randomFromPool, WechatCryptoError, type MessageCipher } from './crypto';
import type { Dispatcher } from './dispatcher';
import type { Inbox } from './inbox';
import { InvalidPushError, toPush, type WechatPush } from './push';
import { renderReply, type Reply } from './replies';
import { sha1Signature, signatureMatches } from './signature';
import { buildXml, parseWechatXml, textField, WechatXmlError } from './xml';

/** Delivers a reply that missed the callback's budget, by customer-service message (the API client provides it). */
export interface LateReplySink {
  deliver(push: WechatPush, reply: Reply): Promise<void>;
}

export const CALLBACK_BODY_LIMIT = 64 * 1024;

const Signed = {
  signature: Type.String({ maxLength: 64 }),
  timestamp: Type.String({ pattern: '^[0-9]{1,12}$' }),
  nonce: Type.String({ minLength: 1, maxLength: 64 }),
};
const VerifyQuery = Type.Object({ ...Signed, echostr: Type.String({ minLength: 1, maxLength: 256 }) });
const PushQuery = Type.Object({
  ...Signed,
  openid: Type.Optional(Type.String({ maxLength: 64 })),
  encrypt_type: Type.Optional(Type.Union([Type.Literal('aes'), Type.Literal('raw')])),
  msg_signature: Type.Optional(Type.String({ maxLength: 64 })),
});

interface Deps {
  config: WechatConfig;
  clock: Clock;
  inbox: Inbox;
  dispatcher: Dispatcher;
  lateReplies: LateReplySink;
}

// WeChat's callback (WECHAT.md 1.1-1.4, 3.4): verify, decrypt, parse, record once, dispatch within the reply
// budget, answer. Everything that goes wrong with a request is a fast 4xx that stores nothing.
export function wechatCallbackRoutes({ config, clock, inbox, dispatcher, lateReplies }: Deps): FastifyPluginAsyncTypebox {
  const cipher: MessageCipher | null = config.encodingAesKeys.length > 0 ? createMessageCipher({ appId: config.appId, encodingAesKeys: config.encodingAesKeys }) : null;

  function checkSignature(q: { signature: string; timestamp: string; nonce: string }) {
    if (!signatureMatches(sha1Signature([config.token, q.timestamp, q.nonce]), q.signature)) {
      throw new AppError('WECHAT_SIGNATURE_INVALID', 'The signature does not match WECHAT_TOKEN');
    }
  }

  function parse(xml: string) {
    try {
      return parseWechatXml(xml);
    } catch (err) {
      if (err instanceof WechatXmlError) throw new AppError('WECHAT_XML_INVALID', err.message);
      throw err;
    }
  }

  function sendXml(reply: FastifyReply, xml: string) {
    return reply.header('content-type', 'application/xml; charset=utf-8').send(xml);
  }

  function answer(reply: FastifyReply, plainXml: string | null, encrypted: { keyIndex: number } | null) {
    if (plainXml === null) {
      // An empty body is accepted in every mode; "success" is the documented word for plaintext.
      return reply.header('content-type', 'text/plain; charset=utf-8').send(encrypted ? '' : 'success');
    }
    if (!encrypted || !cipher) return sendXml(reply, plainXml);
    const encrypt = cipher.encrypt(plainXml, encrypted.keyIndex);
    const timestamp = Math.floor(clock.now().getTime() / 1000);
    const nonce = String(100_000_000 + (randomFromPool(4).readUInt32BE(0) % 900_000_000));
    const msgSignature = sha1Signature([config.token, String(timestamp), nonce, encrypt]);
    return sendXml(reply, buildXml({ Encrypt: encrypt, MsgSignature: msgSignature, TimeStamp: timestamp, Nonce: nonce }));
  }

  async function run(push: WechatPush, id: string, log: FastifyBaseLogger): Promise<string | null> {
    const work = dispatcher.dispatch(push);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), config.replyBudgetMs);
    });
    try {
      const outcome = await Promise.race([work, late]);
      if (outcome === 'late') {
        inbox.complete(id, 'deferred');
        void work
          .then(async (reply) => {
            if (reply) await lateReplies.deliver(push, reply);
          })
          .catch((err: unknown) => log.error({ err, inboundId: id }, 'late WeChat handler failed'));
        return null;
      }
      const xml = outcome ? renderReply(outcome, push, clock.now()) : null;
      inbox.complete(id, xml ? 'replied' : 'no_reply', xml);
      return xml;
    } catch (err) {
      // The member sees nothing rather than WeChat's "service unavailable"; the failure is logged and kept.
      log.error({ err, inboundId: id }, 'WeChat handler failed');
      inbox.complete(id, 'failed');
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  return async (app) => {
    // Completions are written behind the replies: the last ones land before the database closes.
    app.addHook('onClose', () => inbox.settle());
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(['text/xml', 'application/xml', 'text/plain'], { parseAs: 'string', bodyLimit: CALLBACK_BODY_LIMIT }, (_req, body, done) => done(null, body));

    // WeChat's servers read XML, not pages: the browser security headers would only cost time on every push.
    app.get('/wechat', { helmet: false, schema: { tags: ['wechat'], summary: 'Server URL verification (WeChat console)', querystring: VerifyQuery } }, async (request, reply) => {
      checkSignature(request.query);
      return reply.header('content-type', 'text/plain; charset=utf-8').send(request.query.echostr);
    });

    app.post(
      '/wechat',
      { helmet: false, schema: { tags: ['wechat'], summary: 'Messages and events pushed by WeChat (XML, plaintext or AES)', querystring: PushQuery, body: Type.String() } },
      async (request, reply) => {
        const q = request.query;
        checkSignature(q);
        const outer = parse(request.body);
        let fields = outer;
        let encrypted: { keyIndex: number } | null = null;
        if (q.encrypt_type === 'aes') {
          const encrypt = textField(outer, 'Encrypt');
          if (!encrypt) throw new AppError('WECHAT_PUSH_INVALID', 'encrypt_type=aes but the body has no Encrypt');
          if (!signatureMatches(sha1Signature([config.token, q.timestamp, q.nonce, encrypt]), q.msg_signature)) {
            throw new AppError('WECHAT_SIGNATURE_INVALID', 'msg_signature does not match');
          }
          if (!cipher) throw new AppError('WECHAT_DECRYPT_FAILED', 'An encrypted push arrived but WECHAT_ENCODING_AES_KEY is not set');
          try {
            const { xml, keyIndex } = cipher.decrypt(encrypt);
            fields = parse(xml);
            encrypted = { keyIndex };
          } catch (err) {
            if (err instanceof WechatCryptoError) throw new AppError('WECHAT_DECRYPT_FAILED', `The push could not be decrypted: ${err.reason}`);
            throw err;
          }
        } else if (config.requireEncryption) {
          throw new AppError('WECHAT_ENCRYPTION_REQUIRED', 'Plaintext pushes are refused (WECHAT_REQUIRE_ENCRYPTION=true)');
        }

        let push: WechatPush;
        try {
          push = toPush(fields);
        } catch (err) {
          if (err instanceof InvalidPushError) throw new AppError('WECHAT_PUSH_INVALID', err.message);
          throw err;
        }

        const claim = await inbox.claim(push);
        if (!claim.fresh) return answer(reply, claim.reply, encrypted);
        return answer(reply, await run(push, claim.id, request.log), encrypted);
      },
    );
  };
}
