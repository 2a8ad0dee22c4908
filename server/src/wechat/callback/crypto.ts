import { createCipheriv, createDecipheriv, randomFillSync } from 'node:crypto';

// WeChat's safe-mode message encryption (WECHAT.md 1.3): AES-256-CBC with the key Base64-decoded from the
// 43-character EncodingAESKey, IV = its first 16 bytes, PKCS#7 padding to 32-byte blocks, and the plaintext
// random(16) + msg_len(4, big-endian, UTF-8 bytes) + msg + AppID. Every check WeChat's format allows is made:
// strict Base64, block alignment, padding 1..32 with equal bytes, the length field in bounds, the AppID tail.

const BLOCK = 32;
/** Longest ciphertext accepted, matching the callback's 64 KiB body limit. */
export const MAX_ENCRYPTED_BASE64 = 64 * 1024;

export type CryptoFailure = 'BAD_BASE64' | 'BAD_LENGTH' | 'BAD_PADDING' | 'BAD_MESSAGE_LENGTH' | 'APPID_MISMATCH';

export class WechatCryptoError extends Error {
  constructor(readonly reason: CryptoFailure) {
    super(`WeChat message decryption failed: ${reason}`);
    this.name = 'WechatCryptoError';
  }
}

// Random bytes come from a pool filled 4 KiB at a time: one system call per 256 replies instead of one each.
const POOL = Buffer.alloc(4096);
let poolOffset = POOL.length;
export function randomFromPool(size: number): Buffer {
  if (poolOffset + size > POOL.length) {
    randomFillSync(POOL);
    poolOffset = 0;
  }
  const out = Buffer.from(POOL.subarray(poolOffset, poolOffset + size));
  poolOffset += size;
  return out;
}

/** Strict Base64 (the standard alphabet, padding only at the end), checked without a regular expression. */
function isBase64(text: string): boolean {
  const n = text.length;
  if (n === 0 || n % 4 !== 0) return false;
  let end = n;
  if (text.charCodeAt(end - 1) === 0x3d) end--;
  if (text.charCodeAt(end - 1) === 0x3d) end--;
  for (let i = 0; i < end; i++) {
    const c = text.charCodeAt(i);
    const ok = (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2f;
    if (!ok) return false;
  }
  return true;
}

export function isEncodingAesKey(value: string): boolean {
  return /^[A-Za-z0-9]{43}$/.test(value);
}

export function decodeAesKey(encodingAesKey: string): Buffer {
  if (!isEncodingAesKey(encodingAesKey)) throw new Error('An EncodingAESKey is 43 characters from [A-Za-z0-9]');
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new Error('An EncodingAESKey must decode to 32 bytes');
  return key;
}

export interface MessageCipher {
  /** Decrypts with the current key, then the previous one (key rotation); says which key worked. */
  decrypt(encrypted: string): { xml: string; keyIndex: number };
  /** Encrypts a reply with the key the push came with (0 = current). */
  encrypt(xml: string, keyIndex?: number, random?: Buffer): string;
}

export function createMessageCipher({ appId, encodingAesKeys }: { appId: string; encodingAesKeys: readonly string[] }): MessageCipher {
  if (encodingAesKeys.length === 0) throw new Error('At least one EncodingAESKey is needed');
  const keys = encodingAesKeys.map(decodeAesKey);
  const appIdBytes = Buffer.from(appId, 'utf8');

  function decryptWith(key: Buffer, data: Buffer): string {
    const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
    decipher.setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(data), decipher.final()]);
    const pad = plain[plain.length - 1]!;
    if (pad < 1 || pad > BLOCK || pad > plain.length) throw new WechatCryptoError('BAD_PADDING');
    for (let i = plain.length - pad; i < plain.length; i++) if (plain[i] !== pad) throw new WechatCryptoError('BAD_PADDING');
    const content = plain.subarray(0, plain.length - pad);
    if (content.length < 20) throw new WechatCryptoError('BAD_MESSAGE_LENGTH');
    const msgLength = content.readUInt32BE(16);
    if (msgLength > content.length - 20) throw new WechatCryptoError('BAD_MESSAGE_LENGTH');
    if (!content.subarray(20 + msgLength).equals(appIdBytes)) throw new WechatCryptoError('APPID_MISMATCH');
    return content.subarray(20, 20 + msgLength).toString('utf8');
  }

  return {
    decrypt(encrypted) {
      if (encrypted.length > MAX_ENCRYPTED_BASE64 || !isBase64(encrypted)) {
        throw new WechatCryptoError('BAD_BASE64');
      }
      const data = Buffer.from(encrypted, 'base64');
      if (data.length < BLOCK || data.length % 16 !== 0) throw new WechatCryptoError('BAD_LENGTH');
      let first: unknown;
      for (const [keyIndex, key] of keys.entries()) {
        try {
          return { xml: decryptWith(key, data), keyIndex };
        } catch (err) {
          first ??= err;
        }
      }
      throw first;
    },

    encrypt(xml, keyIndex = 0, random = randomFromPool(16)) {
      const key = keys[keyIndex];
      if (!key) throw new Error(`No EncodingAESKey at index ${keyIndex}`);
      if (random.length !== 16) throw new Error('The random prefix is 16 bytes');
      const msg = Buffer.from(xml, 'utf8');
      const length = Buffer.alloc(4);
      length.writeUInt32BE(msg.length, 0);
      const body = Buffer.concat([random, length, msg, appIdBytes]);
      const pad = BLOCK - (body.length % BLOCK);
      const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
      cipher.setAutoPadding(false);
      return Buffer.concat([cipher.update(Buffer.concat([body, Buffer.alloc(pad, pad)])), cipher.final()]).toString('base64');
    },
  };
}
