import {
  SandboxAction,
  SandboxActionResult,
  SandboxFaultBody,
  SandboxFeed,
  SandboxFeedQuery,
  SandboxFollower,
  SandboxFollowerList,
  SandboxNewFollowerBody,
  SandboxOpenIdParams,
  SandboxState,
  type SandboxMenuButton,
} from '@fanbase/shared/contracts/sandbox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../../errors';
import type { SandboxContext } from './context';
import type { Simulator } from './simulator';
import type { Follower } from './state';

// The simulator's own API (shared/src/contracts/sandbox.ts), for the admin console's sandbox phone and the CLI.

export function followerView(f: Follower): SandboxFollower {
  return {
    openId: f.openId,
    unionId: f.unionId,
    nickname: f.nickname,
    subscribed: f.subscribed,
    subscribedAt: f.subscribed && f.subscribeTime !== null ? new Date(f.subscribeTime * 1000).toISOString() : null,
    tagIds: [...f.tagIds],
  };
}

/** A grey camera card: the stand-in for a photo a member sends (its PicUrl). */
const PHOTO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="180" viewBox="0 0 240 180"><rect width="240" height="180" rx="8" fill="#d9d9d9"/><rect x="80" y="60" width="80" height="56" rx="8" fill="#8c8c8c"/><rect x="104" y="50" width="32" height="14" rx="3" fill="#8c8c8c"/><circle cx="120" cy="88" r="17" fill="#d9d9d9"/><circle cx="120" cy="88" r="11" fill="#8c8c8c"/><text x="120" y="150" font-size="14" text-anchor="middle" fill="#595959">沙箱图片</text></svg>`;

export function simRoutes(
  ctx: SandboxContext,
  { simulator, menu, failNext }: { simulator: Simulator; menu: { current: SandboxMenuButton[] | null }; failNext: (path: string, errcode: number, times?: number) => void },
) {
  const { state, account, pusher } = ctx;

  const follower = (openId: string): Follower => {
    const found = state.followers.get(openId);
    if (!found) throw new AppError('NOT_FOUND', `The sandbox has no follower ${openId} (its state is lost when the server restarts)`);
    return found;
  };

  return async (scope: FastifyInstance) => {
    const app = scope.withTypeProvider<TypeBoxTypeProvider>();

    app.get('/_sim/state', { schema: { summary: 'The sandbox account, its published menu and live QR codes', response: { 200: SandboxState } } }, async () => ({
      account: { appId: account.appId, encryption: pusher.defaultMode },
      menu: menu.current,
      qrCodes: [...state.qrCodes.values()]
        .filter((c) => state.liveQrCode(c.ticket))
        .map((c) => ({ ticket: c.ticket, scene: c.scene, permanent: c.permanent, expiresAt: c.expiresAt === null ? null : new Date(c.expiresAt).toISOString() })),
    }));

    app.get('/_sim/followers', { schema: { summary: 'Every sandbox follower, following or not', response: { 200: SandboxFollowerList } } }, async () => ({
      items: [...state.followers.values()].map(followerView),
    }));

    app.post(
      '/_sim/followers',
      { schema: { summary: 'A new WeChat user who does not follow the account yet', body: SandboxNewFollowerBody, response: { 201: SandboxFollower } } },
      async (request, reply) => reply.code(201).send(followerView(state.createFollower(request.body.nickname ? { nickname: request.body.nickname } : {}))),
    );

    app.post(
      '/_sim/followers/:openId/actions',
      {
        schema: {
          summary: 'The follower does something in WeChat: the push goes to /wechat and the passive reply comes back',
          params: SandboxOpenIdParams,
          body: SandboxAction,
          response: { 200: SandboxActionResult },
        },
      },
      async (request) => simulator.act(follower(request.params.openId), request.body),
    );

    app.get(
      '/_sim/followers/:openId/feed',
      { schema: { summary: "The follower's conversation, oldest first", params: SandboxOpenIdParams, querystring: SandboxFeedQuery, response: { 200: SandboxFeed } } },
      async (request) => {
        const after = request.query.after ?? 0;
        return { items: follower(request.params.openId).feed.filter((m) => m.id > after) };
      },
    );

    app.post('/_sim/faults', { schema: { summary: "The next calls to a WeChat path answer this errcode", body: SandboxFaultBody, response: { 204: Type.Null() } } }, async (request, reply) => {
      // The path as WeChat names it, with or without the sandbox's mount point.
      failNext(request.body.path.replace(/^\/sandbox\/wechat(?=\/)/, ''), request.body.errcode, request.body.times ?? 1);
      return reply.code(204).send(null);
    });

    app.get('/_sim/media/:name', { schema: { params: Type.Object({ name: Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}\\.svg$' }) }) } }, async (_request, reply) =>
      reply.header('content-type', 'image/svg+xml; charset=utf-8').header('cache-control', 'public, max-age=86400').send(PHOTO_SVG),
    );
  };
}
