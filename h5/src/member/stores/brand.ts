import type { BrandInfo } from '@fanbase/shared/contracts/catalogue';
import { defineStore } from 'pinia';
import { ref } from 'vue';
import { api } from '../api';

/** The brand's name for headers and titles, loaded once per visit. */
export const useBrandStore = defineStore('brand', () => {
  const brand = ref<BrandInfo | null>(null);
  let loading: Promise<void> | null = null;

  function load(): Promise<void> {
    loading ??= api
      .brand()
      .then((b) => {
        brand.value = b;
      })
      .catch(() => {
        loading = null; // try again on the next page
      });
    return loading;
  }

  return { brand, load };
});
