import type { MenuState, MenuVersion } from '@fanbase/shared/contracts/menus';
import { validateMenu, type MenuTopButton } from '@fanbase/shared/wechat-menu';
import type { DataSource, EntityManager } from 'typeorm';
import type { Clock } from '../../clock';
import { isDuplicateKey } from '../../db/errors';
import { AppError } from '../../errors';
import { assertMenu } from '../../wechat/api/limits';
import type { Actor, AuditLog } from '../audit/service';
import { MenuDraftEntity, MenuVersionEntity, type MenuVersionRow } from './entities';

const DRAFT_ID = 1;
const HISTORY = 20;

export interface MenuPublisher {
  publishMenu(buttons: readonly MenuTopButton[]): Promise<void>;
}

// The custom menu: ops edit a draft (saved with its problems shown), publish it to WeChat in one step, and can
// put any earlier version back. Publishing is serialised on the draft row so two clicks never interleave their
// WeChat call and version record; a version is recorded only once WeChat has accepted it.
export function createMenuService({ db, clock, audit, wechat }: { db: DataSource; clock: Clock; audit: AuditLog; wechat: MenuPublisher }) {
  const lock = db.options.type === 'mysql' ? { lock: { mode: 'pessimistic_write' as const } } : {};
  const staffId = (actor: Actor) => (actor.type === 'staff' && actor.id ? Number(actor.id) : null);

  async function ensureDraft(m: EntityManager) {
    try {
      const latest = await latestVersion(m);
      await m.insert(MenuDraftEntity, { id: DRAFT_ID, buttons: latest?.buttons ?? [], updatedAt: null, updatedById: null, updatedByName: null });
    } catch (err) {
      if (!isDuplicateKey(err)) throw err;
    }
  }

  const latestVersion = (m: EntityManager) => m.findOne(MenuVersionEntity, { where: {}, order: { id: 'DESC' } });

  function toVersion(row: MenuVersionRow): MenuVersion {
    return {
      id: row.id,
      buttons: row.buttons as MenuVersion['buttons'],
      publishedAt: row.publishedAt.toISOString(),
      publishedBy: row.publishedById !== null || row.publishedByName ? { id: row.publishedById ?? 0, name: row.publishedByName ?? '' } : null,
      rolledBackFrom: row.rolledBackFrom,
    };
  }

  async function state(m: EntityManager = db.manager): Promise<MenuState> {
    const history = await m.find(MenuVersionEntity, { order: { id: 'DESC' }, take: HISTORY });
    const published = history[0] ?? null;
    // Before the first edit there is no draft row: the draft is what WeChat shows (a write creates the row).
    const draft = (await m.findOneBy(MenuDraftEntity, { id: DRAFT_ID })) ?? { buttons: published?.buttons ?? [], updatedAt: null, updatedById: null, updatedByName: null };
    return {
      draft: {
        buttons: draft.buttons as MenuState['draft']['buttons'],
        updatedAt: draft.updatedAt?.toISOString() ?? null,
        updatedBy: draft.updatedByName ? { id: draft.updatedById ?? 0, name: draft.updatedByName } : null,
        problems: validateMenu(draft.buttons),
      },
      published: published ? toVersion(published) : null,
      unpublishedChanges: JSON.stringify(draft.buttons) !== JSON.stringify(published?.buttons ?? []),
      history: history.map(toVersion),
    };
  }

  /** Publishes `buttons` to WeChat and records the version, inside the caller's locked transaction. */
  async function publishLocked(m: EntityManager, buttons: MenuTopButton[], actor: Actor, rolledBackFrom: number | null) {
    assertMenu(buttons);
    await wechat.publishMenu(buttons);
    const now = clock.now();
    const version = await m.save(MenuVersionEntity, m.create(MenuVersionEntity, { buttons, publishedAt: now, publishedById: staffId(actor), publishedByName: actor.name, rolledBackFrom }));
    await m.update(MenuDraftEntity, { id: DRAFT_ID }, { buttons, updatedAt: now, updatedById: staffId(actor), updatedByName: actor.name });
    await audit.record(actor, { action: rolledBackFrom ? 'menu.rollback' : 'menu.publish', targetType: 'menu_version', targetId: version.id, details: { rolledBackFrom, buttons } }, m);
  }

  const underLock = async <T>(fn: (m: EntityManager) => Promise<T>): Promise<T> => {
    await ensureDraft(db.manager);
    return db.transaction(async (m) => {
      await m.findOne(MenuDraftEntity, { where: { id: DRAFT_ID }, ...lock });
      return fn(m);
    });
  };

  return {
    state: () => state(),

    async saveDraft(buttons: MenuTopButton[], actor: Actor): Promise<MenuState> {
      await underLock(async (m) => {
        await m.update(MenuDraftEntity, { id: DRAFT_ID }, { buttons, updatedAt: clock.now(), updatedById: staffId(actor), updatedByName: actor.name });
        await audit.record(actor, { action: 'menu.draft.save', targetType: 'menu_draft', targetId: DRAFT_ID, details: { problems: validateMenu(buttons).length } }, m);
      });
      return state();
    },

    /** Back to what WeChat shows. */
    async resetDraft(actor: Actor): Promise<MenuState> {
      await underLock(async (m) => {
        const latest = await latestVersion(m);
        await m.update(MenuDraftEntity, { id: DRAFT_ID }, { buttons: latest?.buttons ?? [], updatedAt: clock.now(), updatedById: staffId(actor), updatedByName: actor.name });
        await audit.record(actor, { action: 'menu.draft.reset', targetType: 'menu_draft', targetId: DRAFT_ID }, m);
      });
      return state();
    },

    async publish(actor: Actor): Promise<MenuState> {
      await underLock(async (m) => {
        const draft = await m.findOneByOrFail(MenuDraftEntity, { id: DRAFT_ID });
        await publishLocked(m, draft.buttons, actor, null);
      });
      return state();
    },

    async rollback(versionId: number, actor: Actor): Promise<MenuState> {
      await underLock(async (m) => {
        const version = await m.findOneBy(MenuVersionEntity, { id: versionId });
        if (!version) throw new AppError('MENU_VERSION_NOT_FOUND', `No published menu version ${versionId}`);
        await publishLocked(m, version.buttons, actor, version.id);
      });
      return state();
    },

    /**
     * Puts the published menu back on a platform that lost it (the sandbox after a restart), or on a first run
     * publishes `initial`. Records nothing when it only re-sends what is already recorded.
     */
    async syncToPlatform(initial: MenuTopButton[] | null, actor: Actor): Promise<'resent' | 'published' | 'none'> {
      return underLock(async (m) => {
        const latest = await latestVersion(m);
        if (latest) {
          await wechat.publishMenu(latest.buttons);
          return 'resent';
        }
        if (!initial) return 'none';
        await publishLocked(m, initial, actor, null);
        return 'published';
      });
    },
  };
}

export type MenuService = ReturnType<typeof createMenuService>;
