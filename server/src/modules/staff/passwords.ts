import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

// Format: scrypt$<log2 N>$<r>$<p>$<salt b64>$<hash b64>. The parameters travel with the hash so they can be
// raised later without invalidating stored passwords.
const DEFAULT = { logN: 15, r: 8, p: 1 };
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, logN: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** logN;
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) =>
    scrypt(password.normalize('NFKC'), salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await derive(password, salt, DEFAULT.logN, DEFAULT.r, DEFAULT.p);
  return ['scrypt', DEFAULT.logN, DEFAULT.r, DEFAULT.p, salt.toString('base64'), key.toString('base64')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [logN, r, p] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (!(logN >= 10 && logN <= 20 && r >= 1 && r <= 32 && p >= 1 && p <= 16)) return false;
  const expected = Buffer.from(parts[5]!, 'base64');
  const actual = await derive(password, Buffer.from(parts[4]!, 'base64'), logN, r, p);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}

// Checked against when the username is unknown, so an unknown user costs the same time as a wrong password.
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
}

// A floor, not a policy engine: long enough, and not one repeated character or an obvious sequence.
export function passwordProblem(password: string, username: string): string | undefined {
  if (password.length < 10) return 'must be at least 10 characters';
  if (/^(.)\1*$/.test(password)) return 'must not be one repeated character';
  if (password.toLowerCase().includes(username.toLowerCase())) return 'must not contain the username';
  if (['1234567890', '0123456789', 'password12', 'qwertyuiop'].some((s) => password.toLowerCase().startsWith(s))) return 'is too easy to guess';
  return undefined;
}
