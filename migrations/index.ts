import { Foundation1763800000000 } from './1763800000000-foundation';
import { WechatInbound1763900000000 } from './1763900000000-wechat-inbound';
import { WechatCredentials1764000000000 } from './1764000000000-wechat-credentials';
import { MenusAutoReplies1764100000000 } from './1764100000000-menus-auto-replies';
import { InboundClaim1764200000000 } from './1764200000000-inbound-claim';
import { InboundOutcome1764300000000 } from './1764300000000-inbound-outcome';

// Every migration, oldest first. Listed explicitly (no glob) so the build, the tests and `npm run migrate` agree.
export const migrations = [Foundation1763800000000, WechatInbound1763900000000, WechatCredentials1764000000000, MenusAutoReplies1764100000000, InboundClaim1764200000000, InboundOutcome1764300000000];
