// `check --format json` output (CONTRACT.md) turned into per-file diagnostics. No VS Code here:
// the extension converts these plain records into vscode.Diagnostic.
import * as path from 'path';

export interface CheckPosition {
    line: number;
    character: number;
}

export interface CheckDiagnostic {
    file: string;
    range: { start: CheckPosition; end: CheckPosition };
    severity: 'error' | 'warning' | 'information' | 'hint';
    code: string;
    message: string;
    source?: string;
}

export interface CheckReport {
    tool: string;
    version: string;
    files: string[];
    diagnostics: CheckDiagnostic[];
}

export class CheckOutputError extends Error {}

/** Parses the JSON report; throws CheckOutputError with the reason when it is not one. */
export function parseCheckReport(stdout: string): CheckReport {
    let value: unknown;
    try {
        value = JSON.parse(stdout);
    } catch (e) {
        throw new CheckOutputError(`check did not print JSON: ${(e as Error).message}`);
    }
    const report = value as Partial<CheckReport>;
    if (!report || typeof report !== 'object' || !Array.isArray(report.diagnostics)) {
        throw new CheckOutputError('check printed JSON without a "diagnostics" list');
    }
    return {
        tool: String(report.tool ?? ''),
        version: String(report.version ?? ''),
        files: Array.isArray(report.files) ? report.files.map(String) : [],
        diagnostics: report.diagnostics,
    };
}

/**
 * Diagnostics grouped by absolute path. `file` is relative to the folder check ran in
 * (or absolute for a file outside it). Every checked file gets an entry, possibly empty,
 * so a fixed file's old problems are cleared.
 */
export function diagnosticsByFile(report: CheckReport, cwd: string): Map<string, CheckDiagnostic[]> {
    const byFile = new Map<string, CheckDiagnostic[]>();
    const absolute = (file: string) => path.resolve(cwd, file);
    for (const file of report.files) byFile.set(absolute(file), []);
    for (const d of report.diagnostics) {
        const key = absolute(d.file);
        const list = byFile.get(key) ?? [];
        list.push(d);
        byFile.set(key, list);
    }
    return byFile;
}

/** Study folders (holding project.yaml) as paths relative to the workspace folder, `.` for itself. */
export function studyFolderArgs(workspaceFolder: string, projectFiles: readonly string[]): string[] {
    const folders = new Set<string>();
    for (const file of projectFiles) {
        const rel = path.relative(workspaceFolder, path.dirname(file));
        if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
        folders.add(rel === '' ? '.' : rel.split(path.sep).join('/'));
    }
    return [...folders].sort();
}

export function summarise(report: CheckReport): string {
    const count = (s: CheckDiagnostic['severity']) => report.diagnostics.filter(d => d.severity === s).length;
    return `${report.files.length} file(s) checked: ${count('error')} error(s), ${count('warning')} warning(s)`;
}
