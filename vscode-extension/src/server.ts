// How the server is started, and which files it serves. No VS Code here.
import * as path from 'path';

/** Where `npm run package` puts the jar inside the extension. */
export const BUNDLED_JAR = path.join('server', 'opensafely-lsp.jar');

/**
 * JVM options when the user sets none (the `opensafely.java.options` default in package.json says the same).
 * With the JVM's own defaults the heap may grow to a quarter of the machine's memory and the server kept
 * 1.7 GB resident on the 1,211-action benchmark project, whose live data is under 100 MB; the serial
 * collector with a 192 MB cap keeps it under 300 MB; completion and hover are as fast, and an edit of that
 * project is analysed a little slower (p95 155 ms instead of 130 ms; bench/).
 */
export const DEFAULT_JVM_OPTIONS: readonly string[] = ['-XX:+UseSerialGC', '-Xmx192m', '-Xmn96m', '-XX:SurvivorRatio=2'];

/** `java [JVM options] -jar <jar> [command...]`. With no command the jar serves LSP on stdio. */
export function javaArgs(jvmOptions: readonly string[], jar: string, command: readonly string[] = []): string[] {
    return [...jvmOptions.filter(o => o.trim() !== ''), '-jar', jar, ...command];
}

/**
 * The files the server is started for: a study's `project.yaml`, its `codelists/codelists.txt`, Python
 * under `analysis/` (study, dataset and measure definitions, and scripts), R and Stata scripts under `analysis/`
 * (what they read and write is checked against project.yaml), and CSV files (the server checks those that a
 * moderately_sensitive output pattern names, and says nothing of the others). Glob patterns as VS Code document
 * filters take them.
 */
export const DOCUMENT_FILTERS = [
    { scheme: 'file', pattern: '**/project.yaml' },
    { scheme: 'file', pattern: '**/codelists/codelists.txt' },
    { scheme: 'file', language: 'python', pattern: '**/analysis/**/*.py' },
    { scheme: 'file', pattern: '**/analysis/**/*.{R,r,do}' },
    { scheme: 'file', pattern: '**/*.csv' },
] as const;

/** The same rule as DOCUMENT_FILTERS, on a path (forward or back slashes). */
export function isStudyFile(filePath: string): boolean {
    const parts = filePath.split(/[\\/]/);
    const name = parts[parts.length - 1];
    if (name === 'project.yaml') return true;
    if (name === 'codelists.txt') return parts.length > 1 && parts[parts.length - 2] === 'codelists';
    if (name.endsWith('.csv')) return true;
    return /\.(py|R|r|do)$/.test(name) && parts.slice(0, -1).includes('analysis');
}

/** First line of `--version` output, e.g. `opensafely-lsp 0.1.0`. */
export function parseServerVersion(stdout: string): string | undefined {
    const line = stdout.split(/\r?\n/).find(l => l.trim() !== '');
    return line?.trim();
}
