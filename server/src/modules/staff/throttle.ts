import type { DataSource } from 'typeorm';
import type { Clock } from '../../clock';
import { LoginThrottleEntity } from './entities';

export interface ThrottleLimits {
  perUser: number;
  perIp: number;
  windowSeconds: number;
}

// Failed sign-ins are counted in the database (not in memory) so every instance behind the load balancer
// sees the same count. A fixed window per key: "user:<name>" slows guessing one password, "ip:<addr>"
// slows spraying many accounts from one address.
export function createLoginThrottle({ db, clock, limits }: { db: DataSource; clock: Clock; limits: ThrottleLimits }) {
  const keys = (username: string, ip: string) => [
    { key: `user:${username.toLowerCase()}`.slice(0, 160), limit: limits.perUser },
    { key: `ip:${ip}`.slice(0, 160), limit: limits.perIp },
  ];
  const windowStart = () => new Date(clock.now().getTime() - limits.windowSeconds * 1000);

  return {
    // Seconds until the caller may try again, or 0 when not throttled.
    async retryAfter(username: string, ip: string): Promise<number> {
      const rows = await db.getRepository(LoginThrottleEntity).find({ where: keys(username, ip).map(({ key }) => ({ throttleKey: key })) });
      let wait = 0;
      for (const { key, limit } of keys(username, ip)) {
        const row = rows.find((r) => r.throttleKey === key);
        if (!row || row.failures < limit || row.windowStartedAt <= windowStart()) continue;
        const ends = row.windowStartedAt.getTime() + limits.windowSeconds * 1000;
        wait = Math.max(wait, Math.ceil((ends - clock.now().getTime()) / 1000));
      }
      return wait;
    },

    async recordFailure(username: string, ip: string): Promise<void> {
      const now = clock.now();
      for (const { key } of keys(username, ip)) {
        // One atomic statement per key: concurrent failures on several instances all count.
        const result = await db
          .createQueryBuilder()
          .update(LoginThrottleEntity)
          .set({
            failures: () => 'CASE WHEN window_started_at <= :start THEN 1 ELSE failures + 1 END',
            windowStartedAt: () => 'CASE WHEN window_started_at <= :start THEN :now ELSE window_started_at END',
          })
          .where('throttle_key = :key')
          .setParameters({ key, start: windowStart(), now })
          .execute();
        if (result.affected) continue;
        try {
          await db.getRepository(LoginThrottleEntity).insert({ throttleKey: key, failures: 1, windowStartedAt: now });
        } catch {
          // Another request inserted the row first: count this failure on it.
          await db.getRepository(LoginThrottleEntity).increment({ throttleKey: key }, 'failures', 1);
        }
      }
    },

    async recordSuccess(username: string): Promise<void> {
      await db.getRepository(LoginThrottleEntity).delete({ throttleKey: `user:${username.toLowerCase()}`.slice(0, 160) });
    },
  };
}
