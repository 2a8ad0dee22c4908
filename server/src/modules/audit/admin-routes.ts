import { AuditList, AuditListQuery } from '@fanbase/shared/contracts/audit';
import { ErrorBody } from '@fanbase/shared/contracts/common';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { AuditLog } from './service';

export function auditRoutes({ audit }: { audit: AuditLog }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/audit',
      {
        onRequest: app.requireStaff('admin'),
        schema: {
          tags: ['audit'],
          summary: 'Audit log, newest first',
          security: [{ staffJwt: [] }],
          querystring: AuditListQuery,
          response: { 200: AuditList, 400: ErrorBody, 401: ErrorBody, 403: ErrorBody },
        },
      },
      async (request) => audit.list(request.query),
    );
  };
}
