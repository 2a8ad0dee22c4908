import type { StaffRole } from '@fanbase/shared/roles';
import type { FastifyInstance, FastifyRequest, onRequestHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors';
import type { Actor } from '../modules/audit/service';
import type { StaffPrincipal, StaffService } from '../modules/staff/service';

declare module 'fastify' {
  interface FastifyInstance {
    // onRequest hook for staff routes: 401 without a live session, 403 when the role is not listed.
    requireStaff(...roles: StaffRole[]): onRequestHookHandler;
  }
  interface FastifyRequest {
    staff: StaffPrincipal | null;
  }
}

export const authPlugin = fp(
  async (app: FastifyInstance, { staff }: { staff: StaffService }) => {
    app.decorateRequest('staff', null);
    app.decorate('requireStaff', (...roles: StaffRole[]): onRequestHookHandler => {
      return async (request) => {
        const header = request.headers.authorization;
        const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
        if (!match) throw new AppError('AUTH_REQUIRED', 'Sign in first: send "Authorization: Bearer <token>"');
        request.staff = await staff.authenticate(match[1]!);
        if (roles.length > 0 && !roles.includes(request.staff.role)) {
          throw new AppError('FORBIDDEN_ROLE', `Role "${request.staff.role}" may not do this (needs ${roles.join(' or ')})`);
        }
      };
    });
  },
  { name: 'auth', dependencies: ['database'] },
);

// The audit actor for a request: the signed-in staff member, or an anonymous caller identified by IP.
export function actorFromRequest(request: FastifyRequest): Actor {
  const ua = request.headers['user-agent'];
  const from = { ip: request.ip, userAgent: typeof ua === 'string' ? ua : null, requestId: String(request.id) };
  return request.staff
    ? { type: 'staff', id: String(request.staff.id), name: request.staff.username, ...from }
    : { type: 'system', id: null, name: null, ...from };
}
