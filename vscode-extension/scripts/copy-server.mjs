// Puts the server jar inside the extension so the .vsix carries it (run by `npm run package`).
import { copyFileSync, existsSync, mkdirSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { fileURLToPath } from 'url';

const here = dirname(fileURLToPath(import.meta.url));
const source = resolve(process.env.OPENSAFELY_LSP_JAR ?? join(here, '..', '..', 'server', 'target', 'opensafely-lsp.jar'));
const target = join(here, '..', 'server', 'opensafely-lsp.jar');

if (!existsSync(source)) {
    console.error(`The server jar is not built: ${source} does not exist.`);
    console.error('Build it first from the repository root:  mvn -B -q -DskipTests package');
    console.error('(or point OPENSAFELY_LSP_JAR at a built opensafely-lsp.jar).');
    process.exit(1);
}
mkdirSync(dirname(target), { recursive: true });
copyFileSync(source, target);
console.log(`Copied ${source} -> ${target}`);
