// VS Code glue only: settings, status bar, output channel, commands, and the LanguageClient.
// Decisions (which Java, which files, how to read `check` output) live in the pure modules.
import * as fs from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { ExecuteCommandRequest, LanguageClient, LanguageClientOptions, ServerOptions, State } from 'vscode-languageclient/node';
import { CheckDiagnostic, CheckOutputError, diagnosticsByFile, parseCheckReport, studyFolderArgs, summarise } from './check';
import { describeRejections, findJava, FoundJava, JAVA_HOME_SETTING, javaCandidates, openSettingCommand, settingFallbackWarning } from './java';
import { nodeJavaProbe, runProcess } from './process';
import { initCommand, initFailureMessage } from './newstudy';
import { outputsSummaryCommand, outputsSummaryFailureMessage, outputsSummaryPage } from './outputs';
import { BUNDLED_JAR, DEFAULT_JVM_OPTIONS, DOCUMENT_FILTERS, isStudyFile, javaArgs, parseServerVersion } from './server';
import { actionsFromSymbols, ActionSymbol, RUN_COMMAND, RUN_LOG_NOTIFICATION, RUN_OUTPUT_CHANNEL, runArguments, runInitializationOptions, runLogLine, RunLogParams } from './run';

const CLIENT_ID = 'opensafely'; // the client reads `opensafely.trace.server` from this id

interface Runtime {
    java: FoundJava;
    jar: string;
    jvmOptions: string[];
}

let session: Session | undefined;

/** The server's command that downloads a study's codelists. */
const UPDATE_CODELISTS = 'opensafely.codelists.update';
/** The server's command that writes dummy data for a study definition. */
const GENERATE_DUMMY_DATA = 'opensafely.dummyData.generate';

export async function activate(context: vscode.ExtensionContext): Promise<void> {
    const output = vscode.window.createOutputChannel('OpenSAFELY', { log: true });
    const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 0);
    const checkResults = vscode.languages.createDiagnosticCollection('opensafely-check');
    const runOutput = vscode.window.createOutputChannel(RUN_OUTPUT_CHANNEL);
    session = new Session(context, output, status, checkResults, runOutput);
    const s = session;
    context.subscriptions.push(
        output,
        runOutput,
        status,
        checkResults,
        vscode.commands.registerCommand('opensafely.restartServer', () => s.restart()),
        vscode.commands.registerCommand('opensafely.checkWorkspace', () => s.checkWorkspace()),
        vscode.commands.registerCommand('opensafely.showVersion', () => s.showVersion()),
        vscode.commands.registerCommand('opensafely.updateCodelists', () => s.updateCodelists()),
        vscode.commands.registerCommand('opensafely.generateDummyData', (uri?: vscode.Uri) => s.generateDummyData(uri)),
        vscode.commands.registerCommand('opensafely.showOutput', () => output.show()),
        vscode.commands.registerCommand('opensafely.newStudy', () => s.newStudy()),
        vscode.commands.registerCommand('opensafely.outputsSummary', () => s.outputsSummary()),
        vscode.commands.registerCommand('opensafely.runAction', () => s.runActions(false)),
        vscode.commands.registerCommand('opensafely.runAll', () => s.runActions(true)),
        vscode.workspace.onDidChangeConfiguration(e => {
            // The server reads the run settings at start (initializationOptions).
            if (e.affectsConfiguration('opensafely.java') || e.affectsConfiguration('opensafely.run')) void s.restart();
        }),
        // Once the server has a file open, its live diagnostics replace the workspace check's.
        vscode.workspace.onDidOpenTextDocument(doc => {
            if (isStudyFile(doc.uri.fsPath)) checkResults.delete(doc.uri);
        }),
    );
    await s.start();
}

export async function deactivate(): Promise<void> {
    await session?.stop();
    session = undefined;
}

class Session {
    private client: LanguageClient | undefined;
    private runtime: Runtime | undefined;

    constructor(
        private readonly context: vscode.ExtensionContext,
        private readonly output: vscode.LogOutputChannel,
        private readonly status: vscode.StatusBarItem,
        private readonly checkResults: vscode.DiagnosticCollection,
        private readonly runOutput: vscode.OutputChannel,
    ) {
        status.command = 'opensafely.showOutput';
        this.showStatus('$(loading~spin) OpenSAFELY', 'Starting the OpenSAFELY language server');
        status.show();
    }

    async start(): Promise<void> {
        this.runtime = await this.resolveRuntime();
        if (!this.runtime) return;
        const { java, jar, jvmOptions } = this.runtime;
        // No `transport`: with TransportKind.stdio the client would append `--stdio`, which the jar
        // rejects. Without it the client still talks over the process's stdin/stdout.
        const command = { command: java.executable, args: javaArgs(jvmOptions, jar) };
        const serverOptions: ServerOptions = { run: command, debug: command };
        const clientOptions: LanguageClientOptions = {
            documentSelector: DOCUMENT_FILTERS.map(f => ({ ...f })),
            outputChannel: this.output,
            synchronize: {
                fileEvents: vscode.workspace.createFileSystemWatcher('**/{project.yaml,analysis/**,codelists/**}'),
            },
            initializationOptions: {
                opencodelistsUrl: vscode.workspace.getConfiguration('opensafely').get<string>('opencodelists.url'),
                ...runInitializationOptions(
                    vscode.workspace.getConfiguration('opensafely').get<string>('run.python'),
                    vscode.workspace.getConfiguration('opensafely').get<string>('run.executor'),
                ),
            },
        };
        this.output.info(`Starting ${java.executable} ${javaArgs(jvmOptions, jar).join(' ')}`);
        try {
            const client = new LanguageClient(CLIENT_ID, 'OpenSAFELY Language Server', serverOptions, clientOptions);
            this.client = client;
            client.onDidChangeState(e => this.showState(e.newState));
            // Each line a job prints, as the run goes (the "▶ Run" lenses and the Run commands start runs).
            client.onNotification(RUN_LOG_NOTIFICATION, (params: RunLogParams) => {
                if (!params.action) this.runOutput.show(true);
                this.runOutput.appendLine(runLogLine(params));
            });
            await client.start();
        } catch (e) {
            this.showStatus('$(error) OpenSAFELY', 'The language server failed to start: see the log');
            this.output.error(`The language server failed to start: ${String(e)}`);
            void vscode.window.showErrorMessage(`OpenSAFELY language server failed to start: ${String(e)}`, 'Show Log')
                .then(choice => { if (choice) this.output.show(); });
        }
    }

    async stop(): Promise<void> {
        const client = this.client;
        this.client = undefined;
        if (client) {
            try {
                await client.stop();
            } catch (e) {
                this.output.warn(`Stopping the server: ${String(e)}`);
            }
        }
    }

    async restart(): Promise<void> {
        this.output.info('Restarting the language server');
        await this.stop();
        this.showStatus('$(loading~spin) OpenSAFELY', 'Starting the OpenSAFELY language server');
        await this.start();
    }

    async showVersion(): Promise<void> {
        const runtime = this.runtime ?? (await this.resolveRuntime());
        if (!runtime) return;
        const result = await runProcess(runtime.java.executable, javaArgs(runtime.jvmOptions, runtime.jar, ['--version']));
        const version = result.code === 0 ? parseServerVersion(result.stdout) : undefined;
        if (!version) {
            this.output.error(`--version failed (exit ${result.code}): ${result.stderr}`);
            void vscode.window.showErrorMessage('Could not read the OpenSAFELY server version: see the log.');
            return;
        }
        void vscode.window.showInformationMessage(
            `${version} (Java ${runtime.java.version}, ${runtime.java.executable})`,
        );
    }

    /**
     * Downloads the codelists of a study folder: the server runs `codelists update` there, shows progress and
     * the outcome, and re-checks the study. With several study folders the user picks one.
     */
    async updateCodelists(): Promise<void> {
        const client = this.client;
        if (!client || client.state !== State.Running) {
            void vscode.window.showErrorMessage('OpenSAFELY: the language server is not running; see the log.');
            return;
        }
        const studies: string[] = [];
        for (const folder of vscode.workspace.workspaceFolders ?? []) {
            const projects = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/project.yaml'), '**/node_modules/**');
            for (const p of projects) {
                const dir = path.dirname(p.fsPath);
                if (fs.existsSync(path.join(dir, 'codelists', 'codelists.txt'))) studies.push(dir);
            }
        }
        if (studies.length === 0) {
            void vscode.window.showInformationMessage('OpenSAFELY: no study folder here has codelists/codelists.txt.');
            return;
        }
        const study = studies.length === 1 ? studies[0] : await vscode.window.showQuickPick(studies, { placeHolder: 'Study folder' });
        if (!study) return;
        this.output.info(`Updating the codelists of ${study}`);
        // The server runs it, reporting progress and the outcome itself (as for the quick fix that names it).
        await client.sendRequest(ExecuteCommandRequest.type, { command: UPDATE_CODELISTS, arguments: [vscode.Uri.file(study).toString()] });
    }

    /**
     * "Run Action…" (a quick pick of the actions of the study's project.yaml, from the server's outline) or "Run All":
     * the server runs them, with progress, the log in the "OpenSAFELY Run" channel, and the outcome as a message.
     */
    async runActions(all: boolean): Promise<void> {
        const client = this.client;
        if (!client || client.state !== State.Running) {
            void vscode.window.showErrorMessage('OpenSAFELY: the language server is not running; see the log.');
            return;
        }
        const active = vscode.window.activeTextEditor?.document.uri;
        let project: vscode.Uri | undefined;
        if (active && active.scheme === 'file') {
            // The study of the file being edited: the nearest project.yaml above it.
            for (let dir = path.dirname(active.fsPath); ; dir = path.dirname(dir)) {
                if (fs.existsSync(path.join(dir, 'project.yaml'))) { project = vscode.Uri.file(path.join(dir, 'project.yaml')); break; }
                if (path.dirname(dir) === dir) break;
            }
        }
        if (!project) {
            const found = await vscode.workspace.findFiles('**/project.yaml', '**/node_modules/**');
            if (found.length === 0) {
                void vscode.window.showInformationMessage('OpenSAFELY: no project.yaml in this workspace.');
                return;
            }
            const pick = found.length === 1 ? found[0]
                : (await vscode.window.showQuickPick(found.map(f => ({ label: vscode.workspace.asRelativePath(f), uri: f })), { placeHolder: 'Study' }))?.uri;
            if (!pick) return;
            project = pick;
        }
        let actions = ['run_all'];
        if (!all) {
            await vscode.workspace.openTextDocument(project); // so the server has it open
            const symbols = await vscode.commands.executeCommand<ActionSymbol[]>('vscode.executeDocumentSymbolProvider', project);
            const items = actionsFromSymbols(symbols);
            if (items.length === 0) {
                void vscode.window.showInformationMessage('OpenSAFELY: project.yaml has no actions to run.');
                return;
            }
            const picked = await vscode.window.showQuickPick(items, { placeHolder: 'Action to run (its dependencies run when their outputs are missing)' });
            if (!picked) return;
            actions = [picked.label];
        }
        await client.sendRequest(ExecuteCommandRequest.type, { command: RUN_COMMAND, arguments: runArguments(project.toString(), actions, false) });
    }

    /**
     * Lays out a new study in a folder the user picks (empty, or new: the jar's `init` refuses one with files in it),
     * then opens that folder. Runs the jar as a command, so it works before any study exists to start the server for.
     */
    async newStudy(): Promise<void> {
        const picked = await vscode.window.showOpenDialog({
            canSelectFolders: true,
            canSelectFiles: false,
            canSelectMany: false,
            openLabel: 'Create Study Here',
            title: 'OpenSAFELY: choose an empty folder for the new study',
        });
        const folder = picked?.[0]?.fsPath;
        if (!folder) return;
        const runtime = this.runtime ?? (await this.resolveRuntime());
        if (!runtime) return;
        const result = await runProcess(runtime.java.executable, javaArgs(runtime.jvmOptions, runtime.jar, initCommand(folder)));
        if (result.code !== 0) {
            this.output.error(`init ${folder} failed (exit ${result.code}): ${result.error?.message ?? result.stderr}`);
            void vscode.window.showErrorMessage(initFailureMessage(result.code, result.stderr));
            return;
        }
        this.output.info(result.stdout.trim());
        await vscode.commands.executeCommand('vscode.openFolder', vscode.Uri.file(folder));
    }

    /**
     * The release summary of a study's moderately_sensitive outputs: the jar's `outputs summary` writes the page (each
     * output's findings and per-column summary, figures beside their data) into the study's metadata/ folder, and it
     * opens in the browser. With several studies the user picks one.
     */
    async outputsSummary(): Promise<void> {
        const studies: string[] = [];
        for (const folder of vscode.workspace.workspaceFolders ?? []) {
            const projects = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, '**/project.yaml'), '**/node_modules/**');
            for (const p of projects) studies.push(path.dirname(p.fsPath));
        }
        if (studies.length === 0) {
            void vscode.window.showInformationMessage('OpenSAFELY: no project.yaml found in this workspace.');
            return;
        }
        const study = studies.length === 1 ? studies[0] : await vscode.window.showQuickPick(studies, { placeHolder: 'Study folder' });
        if (!study) return;
        const runtime = this.runtime ?? (await this.resolveRuntime());
        if (!runtime) return;
        const result = await runProcess(runtime.java.executable, javaArgs(runtime.jvmOptions, runtime.jar, outputsSummaryCommand(study)));
        if (result.code !== 0) {
            this.output.error(`outputs summary in ${study} failed (exit ${result.code}): ${result.error?.message ?? result.stderr}`);
            void vscode.window.showErrorMessage(outputsSummaryFailureMessage(result.code, result.stderr));
            return;
        }
        this.output.info(result.stdout.trim());
        await vscode.env.openExternal(vscode.Uri.file(outputsSummaryPage(study)));
    }

    /** Dummy data for a study, dataset or measures definition (the active editor's, unless a file is given): the server writes it. */
    async generateDummyData(uri?: vscode.Uri): Promise<void> {
        const client = this.client;
        if (!client || client.state !== State.Running) {
            void vscode.window.showErrorMessage('OpenSAFELY: the language server is not running; see the log.');
            return;
        }
        const target = uri ?? vscode.window.activeTextEditor?.document.uri;
        if (!target || !target.fsPath.endsWith('.py')) {
            void vscode.window.showInformationMessage('OpenSAFELY: open a study, dataset or measures definition (analysis/*.py) first.');
            return;
        }
        await client.sendRequest(ExecuteCommandRequest.type, { command: GENERATE_DUMMY_DATA, arguments: [target.toString()] });
    }

    async checkWorkspace(): Promise<void> {
        const runtime = this.runtime ?? (await this.resolveRuntime());
        if (!runtime) return;
        const folders = vscode.workspace.workspaceFolders ?? [];
        await vscode.window.withProgress(
            { location: vscode.ProgressLocation.Notification, title: 'OpenSAFELY: checking the workspace' },
            async () => {
                this.checkResults.clear();
                const summaries: string[] = [];
                for (const folder of folders) {
                    const summary = await this.checkFolder(runtime, folder);
                    if (summary) summaries.push(summary);
                }
                if (summaries.length === 0) {
                    void vscode.window.showInformationMessage('OpenSAFELY: no project.yaml found in this workspace.');
                    return;
                }
                void vscode.window.showInformationMessage(`OpenSAFELY: ${summaries.join('; ')}`);
                void vscode.commands.executeCommand('workbench.actions.view.problems');
            },
        );
    }

    private async checkFolder(runtime: Runtime, folder: vscode.WorkspaceFolder): Promise<string | undefined> {
        const projects = await vscode.workspace.findFiles(
            new vscode.RelativePattern(folder, '**/project.yaml'),
            '**/node_modules/**',
        );
        const root = folder.uri.fsPath;
        const paths = studyFolderArgs(root, projects.map(p => p.fsPath));
        if (paths.length === 0) return undefined;
        const args = javaArgs(runtime.jvmOptions, runtime.jar, ['check', '--format', 'json', '--fail-on', 'never', ...paths]);
        this.output.info(`Checking ${root}: ${paths.join(' ')}`);
        const result = await runProcess(runtime.java.executable, args, { cwd: root, timeoutMs: 300_000 });
        if (result.error || result.code === 2) {
            this.output.error(`check failed in ${root}: ${result.error?.message ?? result.stderr}`);
            void vscode.window.showErrorMessage(`OpenSAFELY check failed in ${folder.name}: see the log.`, 'Show Log')
                .then(choice => { if (choice) this.output.show(); });
            return undefined;
        }
        try {
            const report = parseCheckReport(result.stdout);
            // A running server reports every file of the studies it finds, open or not: showing `check`'s
            // findings as well would list each problem twice. Without it, they are the only report.
            if (this.client?.state !== State.Running) {
                for (const [file, diagnostics] of diagnosticsByFile(report, root)) {
                    this.checkResults.set(vscode.Uri.file(file), diagnostics.map(toVscodeDiagnostic));
                }
            }
            return `${folder.name}: ${summarise(report)}`;
        } catch (e) {
            if (!(e instanceof CheckOutputError)) throw e;
            this.output.error(`${e.message}\n${result.stdout.slice(0, 2000)}`);
            void vscode.window.showErrorMessage(`OpenSAFELY check gave unreadable output: ${e.message}`);
            return undefined;
        }
    }

    private async resolveRuntime(): Promise<Runtime | undefined> {
        const config = vscode.workspace.getConfiguration('opensafely');
        const lookup = await findJava(
            javaCandidates(config.get<string>('java.home'), process.env, process.platform),
            nodeJavaProbe,
        );
        for (const line of describeRejections(lookup.rejected)) this.output.warn(`Skipped Java at ${line}`);
        if (!lookup.ok) {
            this.output.error(lookup.message);
            this.showStatus('$(error) OpenSAFELY: no Java', lookup.message);
            void vscode.window.showErrorMessage(lookup.message, 'Open Settings', 'Get Java').then(choice => {
                if (choice === 'Open Settings') {
                    openJavaHomeSetting();
                } else if (choice === 'Get Java') {
                    void vscode.env.openExternal(vscode.Uri.parse('https://adoptium.net/'));
                }
            });
            return undefined;
        }
        this.output.info(`Using Java ${lookup.java.version} from ${lookup.java.source}: ${lookup.java.executable}`);
        const fallback = settingFallbackWarning(lookup);
        if (fallback) {
            this.output.warn(fallback);
            void vscode.window.showWarningMessage(fallback, 'Open Settings').then(choice => {
                if (choice === 'Open Settings') openJavaHomeSetting();
            });
        }
        const jar = this.serverJar();
        if (!jar) {
            const message = `The OpenSAFELY server jar is missing from the extension (${BUNDLED_JAR}). Reinstall the extension.`;
            this.output.error(message);
            this.showStatus('$(error) OpenSAFELY', message);
            void vscode.window.showErrorMessage(message);
            return undefined;
        }
        const jvmOptions = config.get<string[]>('java.options') ?? DEFAULT_JVM_OPTIONS;
        return { java: lookup.java, jar, jvmOptions: Array.isArray(jvmOptions) ? jvmOptions.map(String) : [...DEFAULT_JVM_OPTIONS] };
    }

    /** The jar packaged in the .vsix; when run from a checkout, the one Maven built next door. */
    private serverJar(): string | undefined {
        const candidates = [
            this.context.asAbsolutePath(BUNDLED_JAR),
            path.resolve(this.context.extensionPath, '..', 'server', 'target', 'opensafely-lsp.jar'),
        ];
        return candidates.find(c => fs.existsSync(c));
    }

    private showState(state: State): void {
        const java = this.runtime ? ` on Java ${this.runtime.java.version}` : '';
        switch (state) {
            case State.Starting:
                this.showStatus('$(loading~spin) OpenSAFELY', 'The OpenSAFELY language server is starting');
                break;
            case State.Running:
                this.showStatus('$(check) OpenSAFELY', `The OpenSAFELY language server is running${java}`);
                break;
            case State.StartFailed:
                this.showStatus('$(error) OpenSAFELY', 'The OpenSAFELY language server failed to start: see the log');
                break;
            case State.Stopped:
                this.showStatus('$(circle-slash) OpenSAFELY', 'The OpenSAFELY language server is stopped');
                break;
        }
    }

    private showStatus(text: string, tooltip: string): void {
        this.status.text = text;
        this.status.tooltip = `${tooltip}. Click for the log.`;
    }
}

/** Shows `opensafely.java.home` in the Settings editor, on the tab that lists it. */
function openJavaHomeSetting(): void {
    const { command, args } = openSettingCommand(JAVA_HOME_SETTING, vscode.env.remoteName);
    void vscode.commands.executeCommand(command, ...args);
}

const SEVERITY: Record<CheckDiagnostic['severity'], vscode.DiagnosticSeverity> = {
    error: vscode.DiagnosticSeverity.Error,
    warning: vscode.DiagnosticSeverity.Warning,
    information: vscode.DiagnosticSeverity.Information,
    hint: vscode.DiagnosticSeverity.Hint,
};

function toVscodeDiagnostic(d: CheckDiagnostic): vscode.Diagnostic {
    const range = new vscode.Range(d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character);
    const diagnostic = new vscode.Diagnostic(range, d.message, SEVERITY[d.severity] ?? vscode.DiagnosticSeverity.Warning);
    diagnostic.code = d.code;
    diagnostic.source = d.source ?? 'opensafely-lsp';
    return diagnostic;
}
