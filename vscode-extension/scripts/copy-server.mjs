// Puts the server jar inside the extension so the .vsix carries it (run by `npm run package`).
import { execFileSync } from 'child_process';
import { copyFileSync, existsSync, mkdirSync } from 'fs';
import { dirname, join, resolve } from 'path';
import { fileURLToPath } from 'url';

const here = dirname(fileURLToPath(import.meta.url));
const source = resolve(process.env.OPENSAFELY_LSP_JAR ?? join(here, '..', '..', 'server', 'target', 'opensafely-lsp.jar'));
const target = join(here, '..', 'server', 'opensafely-lsp.jar');

function die(lines) {
    for (const line of lines) console.error(line);
    process.exit(1);
}

if (!existsSync(source)) {
    die([
        `The server jar is not built: ${source} does not exist.`,
        'Build it first, from the repository root:  mvn -B -q -DskipTests package',
        '(or point OPENSAFELY_LSP_JAR at a built opensafely-lsp.jar).',
    ]);
}
// A half-written or unshaded jar would package fine and fail only on users' machines.
const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : 'java';
let version;
try {
    version = execFileSync(java, ['-jar', source, '--version'], { encoding: 'utf8', timeout: 60_000 }).trim();
} catch (e) {
    die([`${source} does not run (\`java -jar ... --version\` failed): ${e.stderr || e.message}`,
        'Rebuild it from the repository root:  mvn -B -q -DskipTests package']);
}
mkdirSync(dirname(target), { recursive: true });
copyFileSync(source, target);
console.log(`Copied ${source} (${version}) -> ${target}`);
