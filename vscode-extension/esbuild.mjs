// Bundles the extension (vscode-languageclient included) into dist/extension.js; `vscode` stays external.
// dist/core.js holds the pure modules for the node tests and is not packaged.
import * as esbuild from 'esbuild';

const production = process.argv.includes('--production');

await esbuild.build({
    entryPoints: { extension: 'src/extension.ts', core: 'src/core.ts' },
    outdir: 'dist',
    bundle: true,
    platform: 'node',
    target: 'node18',
    format: 'cjs',
    external: ['vscode'],
    sourcemap: !production,
    minify: production,
    logLevel: 'warning',
});
