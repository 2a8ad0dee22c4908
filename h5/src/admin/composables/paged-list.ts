import { onMounted, reactive, ref, watch } from 'vue';
import { errorMessage } from '@/common/error-messages';

interface Page<T> {
  items: T[];
  total: number;
  page: number;
  pageSize: number;
}

/**
 * A server-paged list with filters: reloads (debounced, back to page 1) when a filter changes, ignores
 * answers that arrive after a newer request, and keeps the error as text for the page to show.
 */
// F holds plain values (strings, numbers), so the reactive proxy reads as F itself.
export function usePagedList<T, F extends Record<string, string | number | boolean | null>>(
  fetchPage: (filters: F, page: { page: number; pageSize: number }) => Promise<Page<T>>,
  initialFilters: F,
) {
  const filters = reactive(initialFilters);
  const paging = reactive({ page: 1, pageSize: 20 });
  const data = ref({ items: [], total: 0, page: 1, pageSize: 20 }) as { value: Page<T> };
  const loading = ref(false);
  const error = ref<string | null>(null);

  let latest = 0;
  async function load() {
    const ticket = ++latest;
    loading.value = true;
    try {
      const result = await fetchPage(filters as F, { page: paging.page, pageSize: paging.pageSize });
      if (ticket !== latest) return;
      data.value = result;
      error.value = null;
    } catch (err) {
      if (ticket === latest) error.value = errorMessage(err);
    } finally {
      if (ticket === latest) loading.value = false;
    }
  }

  function reload() {
    paging.page = 1;
    return load();
  }

  let debounce: ReturnType<typeof setTimeout> | undefined;
  watch(filters, () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => void reload(), 250);
  });
  onMounted(load);

  return { filters, paging, data, loading, error, load, reload };
}
