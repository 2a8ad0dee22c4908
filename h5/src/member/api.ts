import type { BrandInfo } from '@fanbase/shared/contracts/catalogue';
import { createHttp } from '@/common/http';

// Members sign in through WeChat OAuth (the Members issue); until then the H5 calls only public endpoints.
const http = createHttp({ token: () => null });

export const api = {
  brand: () => http.get<BrandInfo>('/api/h5/brand'),
};
