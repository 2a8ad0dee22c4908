import { BrandInfo } from '@fanbase/shared/contracts/catalogue';
import { ErrorBody } from '@fanbase/shared/contracts/common';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../../errors';
import type { CatalogueService } from './service';

// Public to members before they sign in: the brand's own name for the H5's header. Nothing personal.
export function catalogueH5Routes({ catalogue }: { catalogue: CatalogueService }): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(
      '/brand',
      { schema: { tags: ['h5'], summary: 'The brand this Fanbase serves (name and service account name)', response: { 200: BrandInfo, 404: ErrorBody } } },
      async (_request, reply) => {
        const brand = await catalogue.brand();
        if (!brand) throw new AppError('NOT_FOUND', 'No brand is set up yet');
        void reply.header('cache-control', 'public, max-age=300');
        return brand;
      },
    );
  };
}
