import { AutoReplyBody, AutoReplyList, AutoReplyPreview, AutoReplyPreviewBody, AutoReplyRule } from '@fanbase/shared/contracts/auto-replies';
import { ErrorBody, IdParams } from '@fanbase/shared/contracts/common';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorFromRequest } from '../../plugins/auth';
import type { AutoReplyService } from './service';

const secured = [{ staffJwt: [] }];
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };

export function autoReplyRoutes({ autoReplies }: { autoReplies: AutoReplyService }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', app.requireStaff('ops', 'admin'));

    app.get('/auto-replies', { schema: { tags: ['auto-replies'], summary: 'Welcome, keyword and default replies', security: secured, response: { 200: AutoReplyList, ...errors } } }, async () => ({
      items: await autoReplies.list(),
    }));

    app.post(
      '/auto-replies',
      { schema: { tags: ['auto-replies'], summary: 'Create a rule', security: secured, body: AutoReplyBody, response: { 201: AutoReplyRule, 409: ErrorBody, ...errors } } },
      async (request, reply) => reply.status(201).send(await autoReplies.create(request.body, actorFromRequest(request))),
    );

    app.put(
      '/auto-replies/:id',
      { schema: { tags: ['auto-replies'], summary: 'Replace a rule', security: secured, params: IdParams, body: AutoReplyBody, response: { 200: AutoReplyRule, 404: ErrorBody, 409: ErrorBody, ...errors } } },
      async (request) => autoReplies.update(request.params.id, request.body, actorFromRequest(request)),
    );

    app.delete(
      '/auto-replies/:id',
      { schema: { tags: ['auto-replies'], summary: 'Delete a rule', security: secured, params: IdParams, response: { 204: Type.Null(), 404: ErrorBody, ...errors } } },
      async (request, reply) => {
        await autoReplies.remove(request.params.id, actorFromRequest(request));
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/auto-replies/preview',
      { schema: { tags: ['auto-replies'], summary: 'Which rule would answer a message or a follow, and with what', security: secured, body: AutoReplyPreviewBody, response: { 200: AutoReplyPreview, ...errors } } },
      async (request) => autoReplies.preview(request.body),
    );
  };
}
