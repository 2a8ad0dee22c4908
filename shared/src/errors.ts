// Every error Fanbase returns carries one of these codes. Front ends branch on the code, never on the
// message; the message is English for logs and API users, the front ends show their own Chinese text.
export const ErrorCodes = {
  VALIDATION_FAILED: 400,
  BAD_REQUEST: 400,
  MALFORMED_JSON: 400,
  BODY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  NOT_FOUND: 404,
  AUTH_REQUIRED: 401,
  AUTH_TOKEN_INVALID: 401,
  AUTH_TOKEN_EXPIRED: 401,
  AUTH_SESSION_ENDED: 401,
  AUTH_INVALID_CREDENTIALS: 401,
  AUTH_THROTTLED: 429,
  FORBIDDEN_ROLE: 403,
  STAFF_NOT_FOUND: 404,
  STAFF_USERNAME_TAKEN: 409,
  STAFF_STORE_REQUIRED: 400,
  STAFF_STORE_NOT_FOUND: 400,
  STAFF_LAST_ADMIN: 409,
  STAFF_PASSWORD_WEAK: 400,
  WECHAT_SIGNATURE_INVALID: 401,
  WECHAT_ENCRYPTION_REQUIRED: 400,
  WECHAT_DECRYPT_FAILED: 400,
  WECHAT_XML_INVALID: 400,
  WECHAT_PUSH_INVALID: 400,
  WECHAT_API_ERROR: 502,
  WECHAT_LIMIT_EXCEEDED: 400,
  MENU_INVALID: 422,
  MENU_VERSION_NOT_FOUND: 404,
  AUTO_REPLY_NOT_FOUND: 404,
  AUTO_REPLY_INVALID: 400,
  AUTO_REPLY_CONFLICT: 409,
  NOT_READY: 503,
  INTERNAL_ERROR: 500,
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(ErrorCodes, value);
}
