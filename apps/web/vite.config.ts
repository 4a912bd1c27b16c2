import react from '@vitejs/plugin-react';
import { defaultClientConditions, defineConfig } from 'vite';

/** Where the API listens in development; the API also serves this build in embedded mode. */
const apiTarget = 'http://127.0.0.1:8080';
const proxy = {
  '/v1': { target: apiTarget, changeOrigin: false },
  '/media': { target: apiTarget, changeOrigin: false },
  '/internal': { target: apiTarget, changeOrigin: false },
  '/socket.io': { target: apiTarget, ws: true },
};

export default defineConfig({
  plugins: [react()],
  // `source` first so @onda/contracts is bundled from its TypeScript sources (no build needed).
  resolve: { conditions: ['source', ...defaultClientConditions] },
  // Absolute asset URLs: the API serves index.html for any unknown path (history fallback),
  // so `/c/slug` must still load `/assets/...`, not `/c/assets/...`.
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, target: 'es2022', chunkSizeWarningLimit: 700 },
  server: { port: 5173, proxy },
  preview: { port: 4173, proxy },
});
