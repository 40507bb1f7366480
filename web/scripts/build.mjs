// Builds the dashboard into ../internal/web/dist, the folder the Go binary embeds: one minified
// ES module bundle (app.js + app.css), the page, MapLibre's worker (loaded beside the bundle) and
// the Natural Earth countries TopoJSON. Run with `npm --prefix web run build`.
import { build } from 'esbuild';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
// SITREP_WEB_OUT builds elsewhere (the Go test compares a fresh build with the committed dist).
const out = process.env.SITREP_WEB_OUT || join(web, '..', 'internal', 'web', 'dist');
const require = createRequire(join(web, 'package.json'));
const maplibreDist = dirname(require.resolve('maplibre-gl/package.json'));
const atlas = dirname(require.resolve('world-atlas/package.json'));

// Start clean so a renamed asset does not linger in the embedded folder.
await rm(out, { recursive: true, force: true });
await mkdir(out, { recursive: true });

await build({
  entryPoints: { app: join(web, 'src', 'main.js') },
  outdir: out,
  bundle: true,
  format: 'esm',
  target: ['es2022'],
  minify: true,
  legalComments: 'eof',
  logLevel: 'warning',
});

for (const f of ['index.html', 'favicon.svg']) await copyFile(join(web, 'src', f), join(out, f));
await copyFile(join(maplibreDist, 'dist', 'maplibre-gl-worker.mjs'), join(out, 'maplibre-gl-worker.mjs'));
await copyFile(join(atlas, 'countries-50m.json'), join(out, 'countries-50m.json'));
await copyFile(join(maplibreDist, 'LICENSE.txt'), join(out, 'maplibre-gl-LICENSE.txt'));

// gzip copies of the big files, for clients that accept them (2.4 MB of assets become about 0.7 MB);
// gzip writes no time stamp, so the copies are the same on every build.
for (const f of ['app.js', 'app.css', 'maplibre-gl-worker.mjs', 'countries-50m.json']) {
  await writeFile(join(out, `${f}.gz`), gzipSync(await readFile(join(out, f)), { level: 9 }));
}

const files = await readdir(out);
console.log(`built ${files.length} files in ${out}: ${files.sort().join(', ')}`);
