#!/usr/bin/env node
// Compiles apps/*/src and libs/*/src with SWC into dist/, one file per source file:
//   apps/<app>/src/x.ts -> dist/apps/<app>/x.js      libs/<lib>/src/x.ts -> dist/libs/<lib>/x.js
// and rewrites `@parley/<lib>` imports to relative paths, so `node dist/apps/<app>/main.js` runs with
// nothing but production node_modules. An app's browser pages (apps/<app>/web, flat) go to
// dist/apps/<app>/web: TypeScript as ES modules, HTML and CSS copied as they are. The SDK
// (libs/sdk) is also bundled for browsers: dist/libs/sdk/browser.js, one ES module. Type checking
// is `npm run typecheck` (tsc), not this.
// Usage: node scripts/build.mjs [app ...]   (no argument: every app)
import { transformFile } from '@swc/core';
import { build as bundle } from 'esbuild';
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const swcrc = JSON.parse(await readFile(path.join(root, '.swcrc'), 'utf8'));
delete swcrc.$schema;

async function walk(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(p)));
    else if (
      /\.ts$/.test(entry.name) &&
      !/\.(spec|test)\.ts$/.test(entry.name) &&
      !p.includes(`${path.sep}testing${path.sep}`)
    )
      out.push(p);
  }
  return out;
}

async function exists(p) {
  return stat(p).then(
    () => true,
    () => false,
  );
}

const libs = (await readdir(path.join(root, 'libs'))).filter((l) => !l.startsWith('.'));
const requested = process.argv.slice(2);
const apps = requested.length
  ? requested
  : (await readdir(path.join(root, 'apps'))).filter((a) => !a.startsWith('.'));

function outPathFor(src) {
  const rel = path.relative(root, src).split(path.sep); // [apps|libs, name, src, ...rest]
  return path.join(root, 'dist', rel[0], rel[1], ...rel.slice(3)).replace(/\.ts$/, '.js');
}

const libIndex = (lib) => path.join(root, 'dist', 'libs', lib, 'index.js');

async function compile(src) {
  const out = outPathFor(src);
  const { code, map } = await transformFile(src, {
    ...swcrc,
    filename: src,
    sourceFileName: path.relative(path.dirname(out), src),
    swcrc: false,
  });
  const rewritten = code.replace(/require\((["'])@parley\/([a-z-]+)\1\)/g, (m, q, lib) => {
    if (!libs.includes(lib)) return m;
    let rel = path.relative(path.dirname(out), libIndex(lib)).split(path.sep).join('/');
    if (!rel.startsWith('.')) rel = `./${rel}`;
    return `require(${q}${rel}${q})`;
  });
  await mkdir(path.dirname(out), { recursive: true });
  await writeFile(out, `${rewritten}\n//# sourceMappingURL=${path.basename(out)}.map\n`);
  if (map) await writeFile(`${out}.map`, map);
}

/** Browser pages: no bundler, the browser loads the ES modules (imports spelt with `.js`). */
async function buildWeb(app) {
  const dir = path.join(root, 'apps', app, 'web');
  if (!(await exists(dir))) return 0;
  const outDir = path.join(root, 'dist', 'apps', app, 'web');
  await mkdir(outDir, { recursive: true });
  const files = (await readdir(dir, { withFileTypes: true })).filter(
    (e) => e.isFile() && !/\.(spec|test)\.ts$|^tsconfig\.json$/.test(e.name),
  );
  await Promise.all(
    files.map(async ({ name }) => {
      const src = path.join(dir, name);
      if (!name.endsWith('.ts')) return writeFile(path.join(outDir, name), await readFile(src));
      const { code } = await transformFile(src, {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
        swcrc: false,
      });
      return writeFile(path.join(outDir, name.replace(/\.ts$/, '.js')), code);
    }),
  );
  return files.length;
}

const started = Date.now();
const sources = [];
for (const lib of libs) sources.push(...(await walk(path.join(root, 'libs', lib, 'src'))));
for (const app of apps) {
  const dir = path.join(root, 'apps', app, 'src');
  if (!(await exists(dir))) {
    console.error(`build: no such app: ${app}`);
    process.exit(1);
  }
  await rm(path.join(root, 'dist', 'apps', app), { recursive: true, force: true });
  sources.push(...(await walk(dir)));
}
await Promise.all(sources.map(compile));
// Platform `browser`: a Node built-in creeping into the SDK fails the build here.
await bundle({
  entryPoints: [path.join(root, 'libs/sdk/src/index.ts')],
  outfile: path.join(root, 'dist/libs/sdk/browser.js'),
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2020',
  sourcemap: true,
  logLevel: 'error',
});
const webFiles = (await Promise.all(apps.map(buildWeb))).reduce((a, b) => a + b, 0);
console.log(
  `build: ${sources.length + webFiles} files, ${apps.join(', ')} in ${Date.now() - started} ms`,
);
