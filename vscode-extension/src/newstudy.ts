// "OpenSAFELY: New Study": the server jar's `init` lays the study out. No VS Code here.

/** The jar's command that lays out a new study in an empty or new folder. */
export function initCommand(folder: string): string[] {
    return ['init', folder];
}

/**
 * What to tell the user when `init` failed: its one line on stderr (a non-empty folder, a file), without the
 * `opensafely-lsp init: ` prefix, or the exit code when it said nothing.
 */
export function initFailureMessage(code: number | undefined, stderr: string): string {
    const line = stderr.split(/\r?\n/).map(l => l.trim()).find(l => l !== '');
    const reason = line ? line.replace(/^opensafely-lsp init: /, '') : `init exited with code ${code ?? 'unknown'}`;
    return `OpenSAFELY: could not create the study: ${reason}`;
}
