import { fileURLToPath, URL } from 'node:url';
import vue from '@vitejs/plugin-vue';
import { defineConfig, type Plugin } from 'vite';

// Two apps, one build: index.html is the member H5 (Vant, phones), admin.html the staff console (Element Plus).
// Each entry imports only its own src/ folder, so neither ever downloads the other's code (tests/build checks).
const api = process.env['FANBASE_API'] ?? 'http://127.0.0.1:3000';

// In `vite dev`, answer the apps' client-side routes with their HTML entry, as the Fastify server does in production.
function appRoutes(): Plugin {
  return {
    name: 'fanbase-app-routes',
    configureServer(server) {
      server.middlewares.use((req, _res, next) => {
        const url = req.url ?? '';
        if (/^\/h5(\/[^.]*)?(\?.*)?$/.test(url)) req.url = '/index.html';
        else if (/^\/admin(\/[^.]*)?(\?.*)?$/.test(url)) req.url = '/admin.html';
        next();
      });
    },
  };
}

// Vant's icon font names a third-party CDN as a fallback source. The CSP (font-src 'self' data:) blocks it,
// and a member's phone has no business calling it: keep the inlined woff2 only.
function noRemoteFonts(): Plugin {
  return {
    name: 'fanbase-no-remote-fonts',
    enforce: 'pre',
    transform(code, id) {
      if (!/[\\/]vant[\\/].*\.css$/.test(id.split('?')[0]!)) return null;
      return { code: code.replace(/,\s*url\(\s*["']?(?:https?:)?\/\/[^)]*\)\s*format\([^)]*\)/g, ''), map: null };
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [vue(), appRoutes(), noRemoteFonts()],
  resolve: { alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    manifest: true,
    target: 'es2020',
    chunkSizeWarningLimit: 1200,
    rolldownOptions: {
      input: {
        index: fileURLToPath(new URL('./index.html', import.meta.url)),
        admin: fileURLToPath(new URL('./admin.html', import.meta.url)),
      },
      output: {
        // Vue, its router and Pinia are the one thing both apps share: one long-cached chunk.
        codeSplitting: { groups: [{ name: 'vue', test: /node_modules[\\/](@vue|vue|vue-router|pinia)[\\/]/ }] },
      },
    },
  },
  server: {
    host: '127.0.0.1',
    port: 5173,
    strictPort: true,
    proxy: Object.fromEntries(['/api', '/docs', '/healthz', '/readyz', '/wechat', '/sandbox'].map((p) => [p, { target: api, changeOrigin: false }])),
  },
});
