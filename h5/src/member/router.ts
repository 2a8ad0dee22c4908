import { createRouter, createWebHistory } from 'vue-router';
import HomePage from './pages/HomePage.vue';
import { useBrandStore } from './stores/brand';

declare module 'vue-router' {
  interface RouteMeta {
    title?: string;
    tab?: 'home' | 'mine';
  }
}

export const router = createRouter({
  history: createWebHistory('/h5/'),
  routes: [
    { path: '/', name: 'home', component: HomePage, meta: { tab: 'home' } },
    { path: '/mine', name: 'mine', component: () => import('./pages/MinePage.vue'), meta: { title: '我的', tab: 'mine' } },
    { path: '/:rest(.*)*', name: 'not-found', component: () => import('./pages/NotFoundPage.vue'), meta: { title: '页面不存在' } },
  ],
  scrollBehavior: (_to, _from, saved) => saved ?? { top: 0 },
});

// WeChat shows document.title in its navigation bar.
router.afterEach(async (to) => {
  const brand = useBrandStore();
  await brand.load();
  const name = brand.brand?.name ?? '会员中心';
  document.title = to.meta.title ? `${to.meta.title} · ${name}` : name;
});
