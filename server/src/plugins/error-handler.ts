import type { ErrorBody } from '@fanbase/shared/contracts/common';
import { ErrorCodes, type ErrorCode } from '@fanbase/shared/errors';
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, type FieldProblem } from '../errors';
import { WechatApiError } from '../wechat/api/errors';

// Fastify's own 4xx errors, mapped to our codes so clients branch on one vocabulary.
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_JSON_BODY: 'MALFORMED_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'MALFORMED_JSON',
};

export function toErrorBody(err: FastifyError | AppError | Error): ErrorBody {
  if (err instanceof AppError) {
    return { statusCode: err.statusCode, code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) };
  }
  // WeChat refused a call a staff action made: the errcode is what the operator needs to look up.
  if (err instanceof WechatApiError) {
    return { statusCode: 502, code: 'WECHAT_API_ERROR', message: `WeChat answered errcode ${err.errcode} (${err.errmsg}) to ${err.path}` };
  }
  const fe = err as FastifyError;
  if (fe.validation) {
    const details = fe.validation.map((v): FieldProblem => {
      const params = v.params as Record<string, unknown>;
      const leaf = (params['missingProperty'] ?? params['additionalProperty']) as string | undefined;
      const path = [fe.validationContext, ...v.instancePath.split('/').filter(Boolean), ...(leaf ? [leaf] : [])].join('.');
      const message = params['additionalProperty'] ? 'is not an accepted field' : params['missingProperty'] ? 'is required' : (v.message ?? 'is invalid');
      return { field: path, message };
    });
    return {
      statusCode: 400,
      code: 'VALIDATION_FAILED',
      message: details.map((d) => `${d.field} ${d.message}`).join('; '),
      details,
    };
  }
  const status = fe.statusCode ?? 500;
  if (status >= 500) return { statusCode: 500, code: 'INTERNAL_ERROR', message: 'Internal server error' };
  const mapped = (fe.code && FASTIFY_CODES[fe.code]) || (err instanceof SyntaxError ? 'MALFORMED_JSON' : undefined);
  const code: ErrorCode = mapped ?? (status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST');
  return { statusCode: mapped ? ErrorCodes[mapped] : status, code, message: fe.message };
}

export const errorHandlerPlugin = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
      const body = toErrorBody(err);
      // 5xx details go to the log with the request id; the client sees only the code.
      if (body.statusCode >= 500) request.log.error({ err }, 'request failed');
      else request.log.info({ code: body.code, statusCode: body.statusCode }, body.message);
      if (err instanceof AppError && err.headers) void reply.headers(err.headers);
      return reply.status(body.statusCode).send(body);
    });
    app.setNotFoundHandler((request, reply) =>
      reply.status(404).send({ statusCode: 404, code: 'NOT_FOUND', message: `No route for ${request.method} ${request.url.split('?')[0]}` }),
    );
  },
  { name: 'error-handler' },
);
