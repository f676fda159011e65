import { defineConfig } from 'tsup';

// One ESM bundle per entry; command modules become lazy chunks through import().
// Dependencies stay external (node_modules); only podid's own code is bundled.
export default defineConfig({
  entry: { main: 'src/main.ts' },
  format: ['esm'],
  target: 'node20',
  platform: 'node',
  splitting: true,
  sourcemap: true,
  clean: true,
  outDir: 'dist',
});
