/// <reference types="vitest/config" />
// Build and test configuration for the desk console UI. The Tauri shell serves `dist/` from
// relative paths, and its dev configuration expects the dev server on port 5173.
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';

export default defineConfig({
  base: './',
  plugins: [svelte(), svelteTesting()],
  clearScreen: false,
  server: {
    port: 5173,
    strictPort: true,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2021',
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    setupFiles: ['src/test/setup.ts'],
    benchmark: {
      include: ['src/bench/**/*.bench.ts'],
    },
  },
});
