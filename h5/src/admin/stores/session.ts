import type { LoginResult, StaffProfile } from '@fanbase/shared/contracts/auth';
import type { StaffRole } from '@fanbase/shared/roles';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';

const STORAGE_KEY = 'fanbase.admin.session';

interface StoredSession {
  token: string;
  expiresAt: string;
  staff: StaffProfile;
}

function load(): StoredSession | null {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (!raw) return null;
    const value = JSON.parse(raw) as StoredSession;
    if (typeof value.token !== 'string' || !value.staff || Date.parse(value.expiresAt) <= Date.now()) {
      localStorage.removeItem(STORAGE_KEY);
      return null;
    }
    return value;
  } catch {
    localStorage.removeItem(STORAGE_KEY);
    return null;
  }
}

/** The signed-in staff member, kept in localStorage so a reload or a second tab stays signed in. */
export const useSessionStore = defineStore('session', () => {
  const session = ref<StoredSession | null>(load());
  /** Why the last session ended, shown once on the login page. */
  const endedReason = ref<string | null>(null);

  const token = computed(() => session.value?.token ?? null);
  const staff = computed(() => session.value?.staff ?? null);
  const signedIn = computed(() => session.value !== null && Date.parse(session.value.expiresAt) > Date.now());

  function hasRole(...roles: StaffRole[]): boolean {
    return !!staff.value && (roles.length === 0 || roles.includes(staff.value.role));
  }

  function start(result: LoginResult) {
    session.value = { token: result.token, expiresAt: result.expiresAt, staff: result.staff };
    endedReason.value = null;
    localStorage.setItem(STORAGE_KEY, JSON.stringify(session.value));
  }

  function updateProfile(profile: StaffProfile) {
    if (!session.value) return;
    session.value = { ...session.value, staff: profile };
    localStorage.setItem(STORAGE_KEY, JSON.stringify(session.value));
  }

  function end(reason: string | null = null) {
    session.value = null;
    endedReason.value = reason;
    localStorage.removeItem(STORAGE_KEY);
  }

  // Signing out in one tab signs out the others.
  window.addEventListener('storage', (event) => {
    if (event.key === STORAGE_KEY) session.value = load();
  });

  return { session, token, staff, signedIn, endedReason, hasRole, start, updateProfile, end };
});
