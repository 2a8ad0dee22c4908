import { ErrorBody, IdParams } from '@fanbase/shared/contracts/common';
import { MenuDraftBody, MenuState } from '@fanbase/shared/contracts/menus';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { actorFromRequest } from '../../plugins/auth';
import type { MenuService } from './service';

const secured = [{ staffJwt: [] }];
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
const wechatErrors = { 422: ErrorBody, 502: ErrorBody };

export function menuRoutes({ menus }: { menus: MenuService }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', app.requireStaff('ops', 'admin'));

    app.get('/menu', { schema: { tags: ['menu'], summary: 'The custom menu: draft with its problems, the published version, history', security: secured, response: { 200: MenuState, ...errors } } }, async () =>
      menus.state(),
    );

    app.put(
      '/menu/draft',
      { schema: { tags: ['menu'], summary: 'Save the draft (kept even when it breaks WeChat rules; they are listed in problems)', security: secured, body: MenuDraftBody, response: { 200: MenuState, ...errors } } },
      async (request) => menus.saveDraft(request.body.buttons, actorFromRequest(request)),
    );

    app.post('/menu/draft/reset', { schema: { tags: ['menu'], summary: 'Discard the draft: back to the published menu', security: secured, response: { 200: MenuState, ...errors } } }, async (request) =>
      menus.resetDraft(actorFromRequest(request)),
    );

    app.post(
      '/menu/publish',
      { schema: { tags: ['menu'], summary: 'Publish the draft to WeChat', security: secured, response: { 200: MenuState, ...errors, ...wechatErrors } } },
      async (request) => menus.publish(actorFromRequest(request)),
    );

    app.post(
      '/menu/versions/:id/rollback',
      {
        schema: {
          tags: ['menu'],
          summary: 'Publish an earlier version again; the draft becomes it',
          security: secured,
          params: IdParams,
          response: { 200: MenuState, 404: ErrorBody, ...errors, ...wechatErrors },
        },
      },
      async (request) => menus.rollback(request.params.id, actorFromRequest(request)),
    );
  };
}
