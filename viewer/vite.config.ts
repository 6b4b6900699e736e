import { defineConfig } from 'vite';

// The viewer is static files that the relay serves itself: built into dist/viewer, hashed names under /assets/.
export default defineConfig({
  root: 'viewer',
  base: '/',
  build: {
    outDir: '../dist/viewer',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
    // Everything in one small script: the page must stay light on a phone or a wall screen.
    modulePreload: false,
  },
});
