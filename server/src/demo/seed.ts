import type { DataSource } from 'typeorm';
import { systemClock } from '../clock';
import { createAuditLog, SYSTEM_ACTOR } from '../modules/audit/service';
import { createAutoReplyService } from '../modules/auto-replies/service';
import { BrandEntity, ProductModelEntity, StoreEntity } from '../modules/catalogue/entities';
import { StaffEntity } from '../modules/staff/entities';
import { hashPassword, verifyPassword } from '../modules/staff/passwords';
import { BRAND, defaultAutoReplies, PRODUCT_MODELS, STAFF, STORES } from './data';

export const DEMO_PASSWORD = 'fanbase-demo';

// Seeds the demo brand (a camera maker), its products, service centres and one login per role, once: a
// database that already has a brand is left alone. Returns the demo password only while it still works.
export async function seedDemo(db: DataSource, { publicUrl, timeZone }: { publicUrl: string; timeZone: string }): Promise<{ usernames: string[]; password: string | null }> {
  const usernames = STAFF.map((s) => s.username);
  if ((await db.getRepository(BrandEntity).count()) === 0) {
    const now = systemClock.now();
    const passwordHash = await hashPassword(DEMO_PASSWORD);
    const audit = createAuditLog({ db, clock: systemClock });
    await db.transaction(async (m) => {
      await m.insert(BrandEntity, { ...BRAND, createdAt: now, updatedAt: now });
      await m.insert(
        ProductModelEntity,
        PRODUCT_MODELS.map((p) => ({ ...p, imageUrl: null, active: true, createdAt: now, updatedAt: now })),
      );
      await m.insert(StoreEntity, STORES.map((s) => ({ ...s, active: true, createdAt: now, updatedAt: now })));
      for (const s of STAFF) {
        const store = s.storeCode ? await m.findOneByOrFail(StoreEntity, { code: s.storeCode }) : null;
        await m.insert(StaffEntity, {
          username: s.username,
          displayName: s.displayName,
          role: s.role,
          storeId: store?.id ?? null,
          passwordHash,
          active: true,
          lastLoginAt: null,
          createdAt: now,
          updatedAt: now,
        });
      }
      await audit.record({ ...SYSTEM_ACTOR, name: 'demo-seed' }, { action: 'demo.seed', details: { products: PRODUCT_MODELS.length, stores: STORES.length, staff: usernames } }, m);
    });
    // The menu itself is published once the server listens (app.ts), since publishing is a call to WeChat.
    await createAutoReplyService({ db, clock: systemClock, audit, timeZone }).seedIfEmpty(defaultAutoReplies(publicUrl), { ...SYSTEM_ACTOR, name: 'demo-seed' });
  }
  const admin = await db.getRepository(StaffEntity).findOneBy({ username: usernames[0]! });
  const stillDemo = admin ? await verifyPassword(DEMO_PASSWORD, admin.passwordHash) : false;
  return { usernames, password: stillDemo ? DEMO_PASSWORD : null };
}
