import jwt from 'jsonwebtoken';
import { AppError } from '../../errors';

// Staff tokens are HS256 JWTs bound to a session row (sid). The algorithm, issuer and audience are pinned on
// verification so neither a token signed another way nor a member token (another audience) is ever accepted.
const ISSUER = 'fanbase';
const AUDIENCE = 'fanbase-staff';

export interface StaffClaims {
  sub: string;
  sid: string;
}

export function signStaffToken(claims: StaffClaims, secret: string, ttlSeconds: number, now: Date): string {
  // iat from the injected clock: jsonwebtoken derives exp from it.
  return jwt.sign({ sid: claims.sid, iat: Math.floor(now.getTime() / 1000) }, secret, {
    algorithm: 'HS256',
    subject: claims.sub,
    issuer: ISSUER,
    audience: AUDIENCE,
    expiresIn: ttlSeconds,
  });
}

export function verifyStaffToken(token: string, secret: string, now: Date): StaffClaims {
  try {
    const payload = jwt.verify(token, secret, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
      clockTimestamp: Math.floor(now.getTime() / 1000),
    });
    if (typeof payload === 'string' || typeof payload.sub !== 'string' || typeof payload['sid'] !== 'string') {
      throw new AppError('AUTH_TOKEN_INVALID', 'The access token is malformed');
    }
    return { sub: payload.sub, sid: payload['sid'] };
  } catch (err) {
    if (err instanceof AppError) throw err;
    if (err instanceof jwt.TokenExpiredError) throw new AppError('AUTH_TOKEN_EXPIRED', 'The access token has expired: sign in again');
    throw new AppError('AUTH_TOKEN_INVALID', 'The access token is invalid');
  }
}
