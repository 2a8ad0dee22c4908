// The three modules of the service account's menu, as the H5 home shows them. `to` is set as each feature lands.
export interface Feature {
  key: string;
  label: string;
  icon: string;
  to?: string;
}

export interface ModuleSection {
  key: 'interaction' | 'service' | 'sales';
  title: string;
  subtitle: string;
  features: Feature[];
}

export const MODULES: ModuleSection[] = [
  {
    key: 'service',
    title: '服务',
    subtitle: '保修、维修、门店，一站办理',
    features: [
      { key: 'warranty', label: '电子保修', icon: 'shield-o' },
      { key: 'repair', label: '维修预约', icon: 'calendar-o' },
      { key: 'stores', label: '门店查询', icon: 'location-o' },
      { key: 'agent', label: '人工客服', icon: 'service-o' },
    ],
  },
  {
    key: 'interaction',
    title: '互动',
    subtitle: '分享作品，参与活动，赚取积分',
    features: [
      { key: 'community', label: '微社区', icon: 'chat-o' },
      { key: 'gallery', label: '创意图库', icon: 'photo-o' },
      { key: 'campaigns', label: '精彩活动', icon: 'fire-o' },
      { key: 'points', label: '我的积分', icon: 'gold-coin-o' },
    ],
  },
  {
    key: 'sales',
    title: '优惠',
    subtitle: '专属优惠券与配件推荐',
    features: [
      { key: 'coupons', label: '领券中心', icon: 'coupon-o' },
      { key: 'wallet', label: '我的卡券', icon: 'balance-list-o' },
      { key: 'consumables', label: '耗材推荐', icon: 'shopping-cart-o' },
      { key: 'service-packs', label: '服务包', icon: 'gift-o' },
    ],
  },
];
