import type { StaffRole } from '@fanbase/shared/roles';
import { createRouter, createWebHistory } from 'vue-router';
import AdminLayout from './AdminLayout.vue';
import LoginPage from './pages/LoginPage.vue';
import { useSessionStore } from './stores/session';

const StatusPage = () => import('./pages/StatusPage.vue');

declare module 'vue-router' {
  interface RouteMeta {
    title?: string;
    /** Roles allowed in; absent means every signed-in staff member. */
    roles?: StaffRole[];
    public?: boolean;
  }
}

export const router = createRouter({
  history: createWebHistory('/admin/'),
  routes: [
    { path: '/login', name: 'login', component: LoginPage, meta: { public: true, title: '登录' } },
    {
      path: '/',
      component: AdminLayout,
      children: [
        { path: '', name: 'overview', component: () => import('./pages/OverviewPage.vue'), meta: { title: '概览' } },
        { path: 'staff', name: 'staff', component: () => import('./pages/StaffListPage.vue'), meta: { title: '员工账号', roles: ['admin'] } },
        { path: 'audit', name: 'audit', component: () => import('./pages/AuditLogPage.vue'), meta: { title: '审计日志', roles: ['admin'] } },
        { path: 'menu', name: 'menu', component: () => import('./pages/MenuEditorPage.vue'), meta: { title: '自定义菜单', roles: ['ops', 'admin'] } },
        { path: 'auto-replies', name: 'auto-replies', component: () => import('./pages/AutoRepliesPage.vue'), meta: { title: '自动回复', roles: ['ops', 'admin'] } },
        { path: 'sandbox-phone', name: 'sandbox-phone', component: () => import('./pages/SandboxPhonePage.vue'), meta: { title: '沙箱手机', roles: ['admin', 'ops', 'support'] } },
        { path: 'forbidden', name: 'forbidden', component: StatusPage, props: { kind: 'forbidden' }, meta: { title: '无权访问' } },
        { path: ':rest(.*)*', name: 'not-found', component: StatusPage, props: { kind: 'not-found' }, meta: { title: '页面不存在' } },
      ],
    },
  ],
});

router.beforeEach((to) => {
  const session = useSessionStore();
  if (to.meta.public) return to.name === 'login' && session.signedIn ? { name: 'overview' } : true;
  if (!session.signedIn) return { name: 'login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath } };
  if (to.meta.roles && !session.hasRole(...to.meta.roles)) return { name: 'forbidden' };
  return true;
});

router.afterEach((to) => {
  document.title = to.meta.title ? `${to.meta.title} · Fanbase 管理后台` : 'Fanbase 管理后台';
});
