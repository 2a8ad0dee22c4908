import { randomUUID } from 'node:crypto';
import { ErrorBody } from '@fanbase/shared/contracts/common';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyInstance, type RawServerDefault } from 'fastify';
import type { DataSource } from 'typeorm';
import { systemClock, type Clock } from './clock';
import type { Config } from './config';
import { createDataSource } from './db/data-source';
import { defaultMenu } from './demo/data';
import { auditRoutes } from './modules/audit/admin-routes';
import { createAuditLog, SYSTEM_ACTOR } from './modules/audit/service';
import { autoReplyRoutes } from './modules/auto-replies/admin-routes';
import { createAutoReplyService } from './modules/auto-replies/service';
import { catalogueRoutes } from './modules/catalogue/admin-routes';
import { catalogueH5Routes } from './modules/catalogue/h5-routes';
import { createCatalogueService } from './modules/catalogue/service';
import { menuRoutes } from './modules/menus/admin-routes';
import { createMenuService } from './modules/menus/service';
import { authRoutes, staffRoutes } from './modules/staff/admin-routes';
import { createStaffService } from './modules/staff/service';
import { healthRoutes, overviewRoutes } from './modules/system/routes';
import { authPlugin } from './plugins/auth';
import { databasePlugin } from './plugins/database';
import { docsPlugin } from './plugins/docs';
import { errorHandlerPlugin } from './plugins/error-handler';
import { frontendsPlugin } from './plugins/frontends';
import { securityPlugin } from './plugins/security';
import { createWechatApi } from './wechat/api/client';
import { redactCredentials } from './wechat/api/redact';
import { createCredentialStore } from './wechat/api/credentials';
import { stableTokenFetcher } from './wechat/api/token-fetchers';
import { createDispatcher, type Dispatcher } from './wechat/callback/dispatcher';
import { createInbox } from './wechat/callback/inbox';
import type { InboundSink } from './wechat/callback/push';
import { wechatCallbackRoutes, type LateReplySink } from './wechat/callback/routes';
import { customMessageLateReplies } from './wechat/late-replies';
import { createSandboxPlatform } from './wechat/sandbox/platform';

export const VERSION = '0.1.0';

export interface AppOverrides {
  dataSource?: DataSource;
  clock?: Clock;
  /** WeChat callback wiring that tests replace: handlers, the timeline hand-off, late-reply delivery. */
  wechat?: { dispatcher?: Dispatcher; sinks?: InboundSink[]; lateReplies?: LateReplySink };
}

export type App = FastifyInstance<RawServerDefault>;

// The table of contents: infrastructure, then services, then the three route contexts
// (/wechat for WeChat's callback, /api/h5 for members, /api/admin for staff) and the front ends.
export async function buildApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const app = Fastify({
    logger: {
      level: config.logLevel,
      redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token'], censor: '[redacted]' },
      // Credentials travel in WeChat's query strings (the sandbox receives them, OAuth returns a code): never logged.
      serializers: {
        req: (req: { method: string; url: string; host?: string; remoteAddress?: string; remotePort?: number }) => ({
          method: req.method,
          url: redactCredentials(req.url),
          host: req.host,
          remoteAddress: req.remoteAddress,
          remotePort: req.remotePort,
        }),
      },
    },
    bodyLimit: config.bodyLimitBytes,
    // A hop count is accepted at run time though Fastify's types omit it.
    trustProxy: config.trustProxy as boolean | string[],
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.:-]{8,64}$/.test(given) ? given : randomUUID();
    },
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  const db = overrides.dataSource ?? createDataSource(config.database);
  const clock = overrides.clock ?? systemClock;

  await app.register(errorHandlerPlugin);
  await app.register(securityPlugin);
  await app.register(databasePlugin, { dataSource: db });
  await app.register(docsPlugin, { publicUrl: config.publicUrl });
  app.addSchema(ErrorBody);

  const audit = createAuditLog({ db, clock });
  const catalogue = createCatalogueService({ db });
  const staff = createStaffService({
    db,
    clock,
    audit,
    jwtSecret: config.jwtSecret,
    tokenTtlSeconds: config.staffTokenTtlSeconds,
    throttle: config.loginThrottle,
  });
  await app.register(authPlugin, { staff });

  await app.register(healthRoutes({ db }));

  // WeChat's API, one client over the shared token and ticket (WECHAT_API_BASE: live WeChat or the sandbox).
  const credentials = createCredentialStore({
    db,
    clock,
    fetchers: { access_token: stableTokenFetcher(config.wechat), jsapi_ticket: () => wechat.jsapiTicketFetcher() },
  });
  const wechat = createWechatApi({ config: config.wechat, credentials, clock });

  const menus = createMenuService({ db, clock, audit, wechat });
  const autoReplies = createAutoReplyService({ db, clock, audit, timeZone: config.brandTimeZone });

  // Modules register their handlers on the app's dispatcher; a test that brings its own keeps only its handlers.
  const dispatcher = overrides.wechat?.dispatcher ?? createDispatcher();
  if (!overrides.wechat?.dispatcher) autoReplies.register(dispatcher);
  const inbox = createInbox({ db, clock, sinks: overrides.wechat?.sinks ?? [], onError: (err, id) => app.log.error({ err, inboundId: id }, 'wechat_inbound completion not written') });
  const lateReplies: LateReplySink = overrides.wechat?.lateReplies ?? customMessageLateReplies({ wechat, log: app.log });
  await app.register(wechatCallbackRoutes({ config: config.wechat, clock, inbox, dispatcher, lateReplies }));

  // The WeChat sandbox plays the platform at WECHAT_API_BASE's default; never mounted in live mode.
  if (config.wechat.mode === 'sandbox') {
    // Its pushes (follower actions, job-finish events) reach /wechat in-process, as WeChat's reach it over HTTP.
    const sandbox = createSandboxPlatform({
      wechat: config.wechat,
      clock,
      // The account's 网页授权域名 is where Fanbase is served.
      oauthHosts: [new URL(config.publicUrl).host],
      log: app.log,
      deliver: async ({ query, body }) => {
        const res = await app.inject({ method: 'POST', url: `/wechat?${new URLSearchParams(query).toString()}`, headers: { 'content-type': 'text/xml' }, payload: body });
        return { status: res.statusCode, body: res.body };
      },
    });
    // Job-finish events still under way are delivered before the app (and its database) goes away.
    app.addHook('preClose', async () => sandbox.idle());
    await app.register(
      async (scope) => {
        scope.addHook('onRoute', (route) => {
          route.schema = { ...route.schema, hide: true };
        });
        await scope.register(sandbox.routes);
      },
      { prefix: '/sandbox/wechat' },
    );
  }

  await app.register(
    async (admin) => {
      await admin.register(authRoutes({ staff }));
      await admin.register(overviewRoutes({ db, catalogue, staff, timeZone: config.brandTimeZone, version: VERSION }));
      await admin.register(staffRoutes({ staff }));
      await admin.register(auditRoutes({ audit }));
      await admin.register(catalogueRoutes({ catalogue }));
      await admin.register(menuRoutes({ menus }));
      await admin.register(autoReplyRoutes({ autoReplies }));
    },
    { prefix: '/api/admin' },
  );

  await app.register(
    async (h5) => {
      await h5.register(catalogueH5Routes({ catalogue }));
    },
    { prefix: '/api/h5' },
  );

  await app.register(frontendsPlugin, { dir: config.frontendDir });

  // The sandbox keeps its state in memory, as WeChat keeps it on its servers: once listening (the API client
  // reaches the sandbox over HTTP), give it back the published menu, or publish the demo menu on a first run.
  if (config.wechat.mode === 'sandbox') {
    app.addHook('onListen', async () => {
      try {
        await menus.syncToPlatform(config.demoSeed ? defaultMenu(config.publicUrl) : null, { ...SYSTEM_ACTOR, name: 'startup' });
      } catch (err) {
        app.log.warn({ err }, 'could not publish the menu to the WeChat sandbox');
      }
    });
  }
  return app as unknown as App;
}
