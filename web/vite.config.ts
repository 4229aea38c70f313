/**
 * The web app's build: web/ is the Vite root and web/dist the output that
 * `recert serve` hands to the API as its webRoot. In development, `vite`
 * proxies the API's paths to a `recert serve` on port 3000.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const API_PATHS = [
  '/auth',
  '/me',
  '/people',
  '/holdings',
  '/completions',
  '/evidence',
  '/organisations',
  '/invitations',
  '/rules',
  '/offerings',
  '/evaluate',
  '/plan',
  '/health',
  '/openapi.json',
  '/docs',
];

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: {
    proxy: Object.fromEntries(API_PATHS.map((p) => [p, 'http://127.0.0.1:3000'])),
  },
});
