import { hash, timingSafeEqual } from 'node:crypto';

// WeChat's callback signatures: SHA-1 hex of the parts sorted as strings and joined without a separator
// (`signature` over token, timestamp, nonce; `msg_signature` adds the Encrypt text). WECHAT.md 1.1-1.3.
export function sha1Signature(parts: readonly string[]): string {
  // crypto.hash: the one-shot digest, without a Hash object per call (three per push in safe mode).
  return hash('sha1', [...parts].sort().join(''), 'hex');
}

/** Compares a received signature with the expected one in constant time; anything not 40 hex digits fails. */
export function signatureMatches(expected: string, received: unknown): boolean {
  if (typeof received !== 'string' || !/^[0-9a-fA-F]{40}$/.test(received)) return false;
  return timingSafeEqual(Buffer.from(expected, 'latin1'), Buffer.from(received.toLowerCase(), 'latin1'));
}
