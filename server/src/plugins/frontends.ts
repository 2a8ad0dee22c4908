import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '../errors';

// Serves the Vite build: hashed assets cached for a year, the two HTML entries never cached, and every path
// under /h5/ and /admin/ answered with its app's entry so client-side routes survive a reload.
export const frontendsPlugin = fp(
  async (app: FastifyInstance, { dir }: { dir: string }) => {
    const built = existsSync(path.join(dir, 'index.html')) && existsSync(path.join(dir, 'admin.html'));
    if (built) {
      await app.register(fastifyStatic, {
        root: dir,
        prefix: '/',
        wildcard: false,
        index: false,
        serve: true,
        setHeaders: (res, file) => {
          res.setHeader('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
        },
      });
    }
    const entry = (file: string) => async (_request: unknown, reply: FastifyReply) => {
      if (!built) throw new AppError('NOT_READY', 'The front ends are not built: run "npm run build"');
      return reply.header('cache-control', 'no-cache').sendFile(file, dir);
    };
    for (const [prefix, file] of [['/h5', 'index.html'], ['/admin', 'admin.html']] as const) {
      app.get(prefix, { schema: { hide: true } }, async (_request, reply) => reply.redirect(`${prefix}/`, 301));
      app.get(`${prefix}/`, { schema: { hide: true } }, entry(file));
      app.get(`${prefix}/*`, { schema: { hide: true } }, entry(file));
    }
    app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/admin/', 302));
  },
  { name: 'frontends' },
);
