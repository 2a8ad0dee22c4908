import { LoginBody, LoginResult, StaffProfile } from '@fanbase/shared/contracts/auth';
import { ErrorBody, IdParams } from '@fanbase/shared/contracts/common';
import { StaffCreateBody, StaffList, StaffListQuery, StaffRecord, StaffUpdateBody } from '@fanbase/shared/contracts/staff';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { actorFromRequest } from '../../plugins/auth';
import type { StaffService } from './service';

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody };
const secured = [{ staffJwt: [] }];

export function authRoutes({ staff }: { staff: StaffService }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.post(
      '/auth/login',
      {
        schema: {
          tags: ['auth'],
          summary: 'Sign in with username and password; returns a staff JWT',
          body: LoginBody,
          response: { 200: LoginResult, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody },
        },
      },
      async (request) => {
        const { ip, userAgent, requestId } = actorFromRequest(request);
        return staff.login(request.body.username, request.body.password, { ip, userAgent, requestId });
      },
    );

    app.get(
      '/auth/me',
      { onRequest: app.requireStaff(), schema: { tags: ['auth'], summary: 'The signed-in staff member', security: secured, response: { 200: StaffProfile, 401: ErrorBody } } },
      async (request) => {
        const { sessionId: _session, ...profile } = request.staff!;
        return profile;
      },
    );

    app.post(
      '/auth/logout',
      { onRequest: app.requireStaff(), schema: { tags: ['auth'], summary: 'End this session', security: secured, response: { 204: Type.Null(), 401: ErrorBody } } },
      async (request, reply) => {
        await staff.logout(request.staff!, actorFromRequest(request));
        return reply.status(204).send(null);
      },
    );
  };
}

export function staffRoutes({ staff }: { staff: StaffService }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.addHook('onRequest', app.requireStaff('admin'));

    app.get('/staff', { schema: { tags: ['staff'], summary: 'List staff accounts', security: secured, querystring: StaffListQuery, response: { 200: StaffList, ...errors } } }, async (request) =>
      staff.list(request.query),
    );

    app.get('/staff/:id', { schema: { tags: ['staff'], summary: 'One staff account', security: secured, params: IdParams, response: { 200: StaffRecord, 404: ErrorBody, ...errors } } }, async (request) =>
      staff.get(request.params.id),
    );

    app.post(
      '/staff',
      { schema: { tags: ['staff'], summary: 'Create a staff account', security: secured, body: StaffCreateBody, response: { 201: StaffRecord, 409: ErrorBody, ...errors } } },
      async (request, reply) => reply.status(201).send(await staff.create(request.body, actorFromRequest(request))),
    );

    app.patch(
      '/staff/:id',
      {
        schema: {
          tags: ['staff'],
          summary: 'Change role, store, name or password, or disable an account (ends its sessions)',
          security: secured,
          params: IdParams,
          body: StaffUpdateBody,
          response: { 200: StaffRecord, 404: ErrorBody, 409: ErrorBody, ...errors },
        },
      },
      async (request) => staff.update(request.params.id, request.body, actorFromRequest(request)),
    );
  };
}
