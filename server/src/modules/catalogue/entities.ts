import { EntitySchema } from 'typeorm';

// Fanbase serves one brand (one WeChat service account) per deployment: its settings are the single brand row.
export interface Brand {
  id: number;
  name: string;
  wechatAccountName: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export const BrandEntity = new EntitySchema<Brand>({
  name: 'Brand',
  tableName: 'brand',
  columns: {
    id: { type: 'int', primary: true, generated: 'increment' },
    name: { type: 'varchar', length: 64 },
    wechatAccountName: { type: 'varchar', length: 64, nullable: true },
    createdAt: { type: 'datetime', precision: 3 },
    updatedAt: { type: 'datetime', precision: 3 },
  },
});

export interface ProductModel {
  id: number;
  code: string;
  name: string;
  category: string;
  imageUrl: string | null;
  serialPattern: string;
  warrantyMonths: number;
  launchedOn: string | null;
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export const ProductModelEntity = new EntitySchema<ProductModel>({
  name: 'ProductModel',
  tableName: 'product_model',
  columns: {
    id: { type: 'int', primary: true, generated: 'increment' },
    code: { type: 'varchar', length: 32, unique: true },
    name: { type: 'varchar', length: 128 },
    category: { type: 'varchar', length: 32 },
    imageUrl: { type: 'varchar', length: 512, nullable: true },
    serialPattern: { type: 'varchar', length: 255 },
    warrantyMonths: { type: 'int' },
    launchedOn: { type: 'date', nullable: true },
    active: { type: 'boolean' },
    createdAt: { type: 'datetime', precision: 3 },
    updatedAt: { type: 'datetime', precision: 3 },
  },
});

export interface Store {
  id: number;
  code: string;
  name: string;
  city: string;
  address: string;
  latitude: string;
  longitude: string;
  phone: string | null;
  openingHours: string | null;
  services: string[];
  active: boolean;
  createdAt: Date;
  updatedAt: Date;
}

export const StoreEntity = new EntitySchema<Store>({
  name: 'Store',
  tableName: 'store',
  columns: {
    id: { type: 'int', primary: true, generated: 'increment' },
    code: { type: 'varchar', length: 32, unique: true },
    name: { type: 'varchar', length: 128 },
    city: { type: 'varchar', length: 64 },
    address: { type: 'varchar', length: 255 },
    latitude: { type: 'decimal', precision: 9, scale: 6 },
    longitude: { type: 'decimal', precision: 9, scale: 6 },
    phone: { type: 'varchar', length: 32, nullable: true },
    openingHours: { type: 'varchar', length: 255, nullable: true },
    services: { type: 'simple-json' },
    active: { type: 'boolean' },
    createdAt: { type: 'datetime', precision: 3 },
    updatedAt: { type: 'datetime', precision: 3 },
  },
});
