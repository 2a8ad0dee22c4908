import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

// OpenAPI generated from the TypeBox route schemas; must be registered before the routes it documents.
export const docsPlugin = fp(
  async (app: FastifyInstance, { publicUrl }: { publicUrl: string }) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: {
          title: 'Fanbase API',
          version: '0.1.0',
          description: 'Social CRM for a WeChat service account. Staff endpoints under /api/admin take a staff JWT from POST /api/admin/auth/login.',
        },
        servers: [{ url: publicUrl }],
        components: { securitySchemes: { staffJwt: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
        tags: [
          { name: 'system', description: 'Health and readiness' },
          { name: 'auth', description: 'Staff sign-in' },
          { name: 'staff', description: 'Staff accounts (admin)' },
          { name: 'audit', description: 'Audit log (admin)' },
          { name: 'catalogue', description: 'Brand, stores and product models' },
          { name: 'wechat', description: 'The callback WeChat pushes messages and events to' },
          { name: 'h5', description: 'Member H5 (public parts; member sign-in comes with WeChat OAuth)' },
        ],
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { docExpansion: 'list', deepLinking: true } });
  },
  { name: 'docs' },
);
