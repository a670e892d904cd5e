// Running actions from VS Code: the server runs them (`opensafely.run`); this module holds what the
// extension decides about it, without VS Code, so the node tests can check it.

/** The server's command: arguments [project.yaml URI, action names (or ['run_all']), force]. */
export const RUN_COMMAND = 'opensafely.run';

/** The server's notification with one line of a job's log: { action, line } (action null for the run's own lines). */
export const RUN_LOG_NOTIFICATION = 'opensafely/runLog';

/** The output channel the run's log goes to. */
export const RUN_OUTPUT_CHANNEL = 'OpenSAFELY Run';

/** `opensafely.run.python` when the user sets none: the `python3` on the PATH. */
export const DEFAULT_RUN_PYTHON = 'python3';

export interface RunLogParams {
    action?: string | null;
    line: string;
}

/** One line of the output channel: the action in brackets, then the job's line (with its time). */
export function runLogLine(params: RunLogParams): string {
    return params.action ? `[${params.action}] ${params.line}` : params.line;
}

/** The arguments of `opensafely.run`. */
export function runArguments(projectUri: string, actions: readonly string[], force: boolean): unknown[] {
    return [projectUri, [...actions], force];
}

/**
 * The initializationOptions that make the server stream the log to us and run with the user's settings: the
 * Python for python actions under the local executor, and the executor ("local", "docker", or "auto": Docker
 * when it answers).
 */
export function runInitializationOptions(python: string | undefined, executor: string | undefined): Record<string, string> {
    return {
        runLog: 'notification',
        runPython: python && python.trim() !== '' ? python.trim() : DEFAULT_RUN_PYTHON,
        runExecutor: executor && executor.trim() !== '' ? executor.trim() : 'auto',
    };
}

/** A document symbol as the server reports it (the parts read here). */
export interface ActionSymbol {
    name: string;
    kind: number;
    detail?: string;
}

/** SymbolKind.Function: how the server's outline marks an action of project.yaml. */
const FUNCTION_KIND = 12;

/** The actions of project.yaml from the server's outline, in file order, for the quick pick. */
export function actionsFromSymbols(symbols: readonly ActionSymbol[] | undefined): { label: string; description?: string }[] {
    return (symbols ?? [])
        .filter(s => s.kind === FUNCTION_KIND && s.name !== '?' && s.name !== 'run_all')
        .map(s => (s.detail ? { label: s.name, description: s.detail } : { label: s.name }));
}
