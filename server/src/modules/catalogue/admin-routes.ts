import { StoreList, StoreListQuery } from '@fanbase/shared/contracts/catalogue';
import { ErrorBody } from '@fanbase/shared/contracts/common';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { CatalogueService } from './service';

export function catalogueRoutes({ catalogue }: { catalogue: CatalogueService }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/stores',
      {
        onRequest: app.requireStaff(),
        schema: {
          tags: ['catalogue'],
          summary: 'Stores and service centres (for pickers and lists)',
          security: [{ staffJwt: [] }],
          querystring: StoreListQuery,
          response: { 200: StoreList, 400: ErrorBody, 401: ErrorBody },
        },
      },
      async (request) => catalogue.listStores(request.query),
    );
  };
}
