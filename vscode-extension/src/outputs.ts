// "OpenSAFELY: Release Summary of Outputs": the server jar's `outputs summary` writes the page. No VS Code here.
import * as path from 'path';

/** The jar's command that writes a study's release summary (metadata/outputs-summary.html). */
export function outputsSummaryCommand(study: string): string[] {
    return ['outputs', 'summary', '--project-dir', study];
}

/** Where `outputs summary` writes its page by default. */
export function outputsSummaryPage(study: string): string {
    return path.join(study, 'metadata', 'outputs-summary.html');
}

/** What to tell the user when the summary could not be written: the jar's one line without its prefix, or the exit code. */
export function outputsSummaryFailureMessage(code: number | undefined, stderr: string): string {
    const line = stderr.split(/\r?\n/).map(l => l.trim()).find(l => l !== '');
    const reason = line ? line.replace(/^opensafely-lsp outputs summary: /, '') : `outputs summary exited with code ${code ?? 'unknown'}`;
    return `OpenSAFELY: could not write the release summary: ${reason}`;
}
