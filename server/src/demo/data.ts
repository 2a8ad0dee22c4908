import type { AutoReplyBody } from '@fanbase/shared/contracts/auto-replies';
import type { StaffRole } from '@fanbase/shared/roles';
import type { MenuTopButton } from '@fanbase/shared/wechat-menu';
import { SERVICE_AGENT_KEY } from '../modules/auto-replies/service';

// The demo brand: a camera maker whose service account runs Interaction, Service and Sales on Fanbase.

export const BRAND = { name: '光影相机', wechatAccountName: '光影相机服务号' };

export const PRODUCT_MODELS = [
  { code: 'LM-Z8', name: '光影 Z8 全画幅微单', category: 'camera', serialPattern: '^Z8[0-9]{8}$', warrantyMonths: 24, launchedOn: '2024-03-15' },
  { code: 'LM-Z6III', name: '光影 Z6 III 全画幅微单', category: 'camera', serialPattern: '^Z6[0-9]{8}$', warrantyMonths: 24, launchedOn: '2025-06-01' },
  { code: 'LM-ZFC', name: '光影 Zfc 复古微单', category: 'camera', serialPattern: '^ZF[0-9]{8}$', warrantyMonths: 12, launchedOn: '2023-09-20' },
  { code: 'LM-24120', name: 'Z 24-120mm f/4 S 镜头', category: 'lens', serialPattern: '^L24[0-9]{7}$', warrantyMonths: 12, launchedOn: '2023-01-10' },
  { code: 'LM-50F18', name: 'Z 50mm f/1.8 S 定焦镜头', category: 'lens', serialPattern: '^L50[0-9]{7}$', warrantyMonths: 12, launchedOn: '2022-05-05' },
  { code: 'LM-SB700', name: 'SB-700 闪光灯', category: 'accessory', serialPattern: '^SB[0-9]{7}$', warrantyMonths: 12, launchedOn: '2021-11-11' },
  { code: 'LM-ENEL15C', name: 'EN-EL15c 锂电池', category: 'consumable', serialPattern: '^[A-Z0-9]{6,12}$', warrantyMonths: 6, launchedOn: '2021-01-01' },
  { code: 'LM-CARE2Y', name: '延保服务包（2 年）', category: 'service-pack', serialPattern: '^CP[0-9]{10}$', warrantyMonths: 24, launchedOn: '2024-01-01' },
];

const services = ['repair', 'cleaning', 'warranty', 'pickup'];
const hours = '周一至周日 10:00-19:00';

export const STORES = [
  { code: 'SH-JA', name: '光影上海静安服务中心', city: '上海', address: '上海市静安区南京西路 1266 号 5 楼', latitude: '31.228640', longitude: '121.452630', phone: '021-62880001', openingHours: hours, services },
  { code: 'SH-XH', name: '光影上海徐汇体验店', city: '上海', address: '上海市徐汇区漕溪北路 88 号 2 楼', latitude: '31.193170', longitude: '121.436940', phone: '021-64280002', openingHours: hours, services: ['repair', 'warranty'] },
  { code: 'BJ-CY', name: '光影北京朝阳服务中心', city: '北京', address: '北京市朝阳区建国路 87 号 6 层', latitude: '39.908580', longitude: '116.477370', phone: '010-85880003', openingHours: hours, services },
  { code: 'BJ-HD', name: '光影北京海淀体验店', city: '北京', address: '北京市海淀区中关村大街 15 号 3 层', latitude: '39.983420', longitude: '116.315880', phone: '010-62580004', openingHours: hours, services: ['repair', 'cleaning'] },
  { code: 'GZ-TH', name: '光影广州天河服务中心', city: '广州', address: '广州市天河区天河路 208 号 4 楼', latitude: '23.132190', longitude: '113.327540', phone: '020-38880005', openingHours: hours, services },
  { code: 'SZ-FT', name: '光影深圳福田服务中心', city: '深圳', address: '深圳市福田区福华三路 268 号 L3', latitude: '22.533980', longitude: '114.055890', phone: '0755-83880006', openingHours: hours, services },
  { code: 'CD-JJ', name: '光影成都锦江体验店', city: '成都', address: '成都市锦江区红星路三段 1 号 2 楼', latitude: '30.655820', longitude: '104.081940', phone: '028-86880007', openingHours: '周一至周日 10:00-21:00', services: ['repair', 'warranty', 'cleaning'] },
  { code: 'HZ-XH', name: '光影杭州西湖服务中心', city: '杭州', address: '杭州市西湖区文三路 478 号 3 楼', latitude: '30.278930', longitude: '120.127260', phone: '0571-88880008', openingHours: hours, services },
];

export const STAFF: { username: string; displayName: string; role: StaffRole; storeCode?: string }[] = [
  { username: 'admin', displayName: '系统管理员', role: 'admin' },
  { username: 'support', displayName: '客服小林', role: 'support' },
  { username: 'ops', displayName: '运营小周', role: 'ops' },
  { username: 'clerk.sh', displayName: '静安店店员', role: 'store', storeCode: 'SH-JA' },
];

/**
 * The service account's menu: the three modules, each opening its H5 pages; 联系客服 is a click so the member's
 * tap reaches the callback and a human (WECHAT.md 1.15: ≤3 top buttons of ≤16 bytes, ≤5 sub-buttons).
 */
export function defaultMenu(publicUrl: string): MenuTopButton[] {
  const h5 = (path: string) => `${publicUrl}/h5/${path}`;
  return [
    {
      name: '互动',
      sub_button: [
        { type: 'view', name: '微社区', url: h5('community') },
        { type: 'view', name: '创意图库', url: h5('gallery') },
        { type: 'view', name: '精彩活动', url: h5('campaigns') },
        { type: 'view', name: '我的积分', url: h5('points') },
      ],
    },
    {
      name: '服务',
      sub_button: [
        { type: 'view', name: '我的保修', url: h5('warranty') },
        { type: 'view', name: '维修预约', url: h5('repair') },
        { type: 'view', name: '附近门店', url: h5('stores') },
        { type: 'click', name: '联系客服', key: SERVICE_AGENT_KEY },
      ],
    },
    {
      name: '销售',
      sub_button: [
        { type: 'view', name: '领券中心', url: h5('coupons') },
        { type: 'view', name: '我的卡券', url: h5('wallet') },
        { type: 'view', name: '配件推荐', url: h5('recommendations') },
        { type: 'view', name: '会员中心', url: h5('mine') },
      ],
    },
  ];
}

/** Welcome, keyword, hand-off and default replies a camera brand starts from. */
export function defaultAutoReplies(publicUrl: string): AutoReplyBody[] {
  return [
    {
      kind: 'welcome',
      name: '关注欢迎语',
      reply: {
        type: 'text',
        content: '欢迎关注光影相机！📷\n点击下方「服务」登记相机、查看电子保修、预约维修；「互动」分享你的作品；「销售」领取专属优惠券。\n回复「人工」联系客服。',
      },
    },
    {
      kind: 'keyword',
      name: '转人工客服',
      matchType: 'contains',
      keywords: ['人工', '客服', '投诉'],
      priority: 100,
      reply: { type: 'handoff', content: '已为您转接人工客服（服务时间 9:00-21:00），请直接描述您的问题，客服会尽快在这里回复您。' },
    },
    {
      kind: 'keyword',
      name: '优惠券',
      matchType: 'contains',
      keywords: ['优惠', '券', '折扣'],
      priority: 10,
      reply: { type: 'news', articles: [{ title: '会员专属优惠券', description: '新品配件、清洁保养、延保服务包优惠券，限时领取', url: `${publicUrl}/h5/coupons` }] },
    },
    {
      kind: 'keyword',
      name: '问候',
      matchType: 'regex',
      keywords: ['^(你好|您好|hi|hello)[!！。.~]*$'],
      reply: { type: 'text', content: '您好，我是光影相机小助手。回复「保修」查询保修，「维修」预约维修，「人工」联系客服。' },
    },
    {
      kind: 'default',
      name: '默认回复',
      reply: { type: 'text', content: '收到您的消息啦！回复「人工」联系客服，或点击下方菜单办理保修、维修和领券。' },
    },
  ];
}
