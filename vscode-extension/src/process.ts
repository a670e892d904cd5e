// Running the server jar as a command-line tool (`--version`, `check`). No VS Code here.
import { execFile } from 'child_process';
import { accessSync, constants } from 'fs';
import { JavaProbe } from './java';

export interface ProcessResult {
    /** Exit code, or undefined when the process could not start or was killed. */
    code: number | undefined;
    stdout: string;
    stderr: string;
    error?: Error;
}

export function runProcess(
    command: string,
    args: string[],
    options: { cwd?: string; timeoutMs?: number } = {},
): Promise<ProcessResult> {
    return new Promise(resolve => {
        execFile(
            command,
            args,
            { cwd: options.cwd, timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 * 1024 * 1024, windowsHide: true },
            (error, stdout, stderr) => {
                const code = error ? (typeof error.code === 'number' ? error.code : undefined) : 0;
                // A non-zero exit is a result (1 = findings), not a failure to run.
                const failedToRun = error && code === undefined ? error : undefined;
                resolve({ code, stdout: String(stdout), stderr: String(stderr), error: failedToRun });
            },
        );
    });
}

/** The real probe: checks the file and runs `java -version`. */
export const nodeJavaProbe: JavaProbe = {
    isExecutable(file: string): boolean {
        try {
            accessSync(file, constants.X_OK);
            return true;
        } catch {
            return false;
        }
    },
    async versionOutput(executable: string): Promise<string | undefined> {
        const result = await runProcess(executable, ['-version'], { timeoutMs: 15_000 });
        if (result.error) return undefined;
        // `java -version` writes to stderr; some wrappers use stdout.
        return result.stderr + result.stdout;
    },
};
