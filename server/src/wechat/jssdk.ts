import { createHash } from 'node:crypto';

// The JS-SDK config signature (WECHAT.md 1.17): the four fields sorted by name, joined as k=v&k=v with no
// escaping, SHA-1 hex. The page URL is signed without its fragment, which the browser never sends anyway.
export function jsapiSignature({ ticket, nonceStr, timestamp, url }: { ticket: string; nonceStr: string; timestamp: number | string; url: string }): string {
  const page = url.split('#')[0]!;
  const text = `jsapi_ticket=${ticket}&noncestr=${nonceStr}&timestamp=${timestamp}&url=${page}`;
  return createHash('sha1').update(text).digest('hex');
}
