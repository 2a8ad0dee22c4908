import { ErrorCodes, type ErrorCode } from '@fanbase/shared/errors';

export interface FieldProblem {
  field: string;
  message: string;
}

// A domain error: thrown by services and routes, turned into { statusCode, code, message } by the error handler.
export class AppError extends Error {
  readonly statusCode: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldProblem[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
    this.statusCode = ErrorCodes[code];
  }
}

export const appError = (code: ErrorCode, message: string, details?: FieldProblem[]) => new AppError(code, message, details);
