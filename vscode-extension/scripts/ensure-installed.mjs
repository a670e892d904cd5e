// `npm run package` on a fresh clone: install the locked dev dependencies first if they are missing.
import { execSync } from 'child_process';
import { existsSync } from 'fs';
import { dirname, join } from 'path';
import { fileURLToPath } from 'url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const needed = ['@vscode/vsce', 'esbuild', 'typescript', 'vscode-languageclient'];
const missing = needed.filter(name => !existsSync(join(root, 'node_modules', name, 'package.json')));
if (missing.length > 0) {
    console.log(`Installing dependencies (missing: ${missing.join(', ')}): npm ci`);
    execSync('npm ci', { cwd: root, stdio: 'inherit' });
}
