// WeChat carries credentials in query strings (access_token, the AppSecret at token time, OAuth codes): any URL
// or message that may reach a log goes through this first.
export function redactCredentials(text: string): string {
  return text.replace(/([?&]?\b(?:access_token|secret|code|refresh_token)=)[^&#\s",]*/g, '$1[redacted]');
}
