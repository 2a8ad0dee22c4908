import type { AuditList, AuditListQuery } from '@fanbase/shared/contracts/audit';
import type { LoginBody, LoginResult, StaffProfile } from '@fanbase/shared/contracts/auth';
import type { AutoReplyBody, AutoReplyList, AutoReplyPreview, AutoReplyPreviewBody, AutoReplyRule } from '@fanbase/shared/contracts/auto-replies';
import type { StoreList, StoreListQuery } from '@fanbase/shared/contracts/catalogue';
import type { MenuDraftBody, MenuState } from '@fanbase/shared/contracts/menus';
import type { StaffCreateBody, StaffList, StaffListQuery, StaffRecord, StaffUpdateBody } from '@fanbase/shared/contracts/staff';
import type { Overview } from '@fanbase/shared/contracts/system';
import { createHttp } from '@/common/http';
import { errorMessage } from '@/common/error-messages';
import { router } from './router';
import { useSessionStore } from './stores/session';

// The admin console's one door to the API. A 401 on a signed-in request means the session is gone
// (expired, signed out elsewhere, account changed): drop it and go to the login page, keeping the route.
const http = createHttp({
  token: () => useSessionStore().token,
  onUnauthorized: (error) => {
    const session = useSessionStore();
    if (!session.signedIn) return;
    session.end(errorMessage(error));
    const here = router.currentRoute.value;
    if (here.name !== 'login') void router.replace({ name: 'login', query: { redirect: here.fullPath } });
  },
});

export const api = {
  login: (body: LoginBody) => http.post<LoginResult>('/api/admin/auth/login', body),
  me: () => http.get<StaffProfile>('/api/admin/auth/me'),
  logout: () => http.post<void>('/api/admin/auth/logout'),
  overview: () => http.get<Overview>('/api/admin/overview'),
  staff: {
    list: (query: StaffListQuery) => http.get<StaffList>('/api/admin/staff', query),
    create: (body: StaffCreateBody) => http.post<StaffRecord>('/api/admin/staff', body),
    update: (id: number, body: StaffUpdateBody) => http.patch<StaffRecord>(`/api/admin/staff/${id}`, body),
  },
  stores: (query: StoreListQuery = {}) => http.get<StoreList>('/api/admin/stores', query),
  audit: (query: AuditListQuery) => http.get<AuditList>('/api/admin/audit', query),
  menu: {
    get: () => http.get<MenuState>('/api/admin/menu'),
    saveDraft: (body: MenuDraftBody) => http.put<MenuState>('/api/admin/menu/draft', body),
    resetDraft: () => http.post<MenuState>('/api/admin/menu/draft/reset'),
    publish: () => http.post<MenuState>('/api/admin/menu/publish'),
    rollback: (versionId: number) => http.post<MenuState>(`/api/admin/menu/versions/${versionId}/rollback`),
  },
  autoReplies: {
    list: () => http.get<AutoReplyList>('/api/admin/auto-replies'),
    create: (body: AutoReplyBody) => http.post<AutoReplyRule>('/api/admin/auto-replies', body),
    update: (id: number, body: AutoReplyBody) => http.put<AutoReplyRule>(`/api/admin/auto-replies/${id}`, body),
    remove: (id: number) => http.delete<void>(`/api/admin/auto-replies/${id}`),
    preview: (body: AutoReplyPreviewBody) => http.post<AutoReplyPreview>('/api/admin/auto-replies/preview', body),
  },
};
