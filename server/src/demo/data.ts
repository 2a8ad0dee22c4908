import type { StaffRole } from '@fanbase/shared/roles';

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
