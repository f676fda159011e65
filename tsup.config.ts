import { defineConfig } from 'tsup';

// One ESM bundle per entry; command modules become lazy chunks through import().
// commander is bundled in: loading it as a CommonJS package from node_modules costs ~15 ms on
// every start (budget: `podid --version` ≤ 1.5× `node -e 0`). Its require() calls of Node
// built-ins need a real `require`, hence the banner. Other dependencies stay external.
export default defineConfig({
  entry: { main: 'src/main.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  splitting: true,
  sourcemap: true,
  clean: true,
  outDir: 'dist',
  noExternal: ['commander'],
  banner: { js: "import { createRequire as __podidCreateRequire } from 'node:module'; const require = __podidCreateRequire(import.meta.url);" },
});
