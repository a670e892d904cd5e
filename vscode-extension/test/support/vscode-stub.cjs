// A stand-in for the `vscode` module, so the bundled extension can be loaded and activated
// under plain node. It records what the extension asks VS Code to do.
'use strict';
const Module = require('module');

/**
 * @param settings configuration values by full key
 * @param answers the button a message "clicks", by the start of its text
 */
function createVscodeStub(settings = {}, answers = {}) {
    const calls = { commands: [], executed: [], errors: [], warnings: [], infos: [], statusItems: [], outputLines: [], collections: [] };
    const collectionListeners = [];
    /** Resolves with the diagnostic collection of that name once it is made (vscode-languageclient makes its own lazily). */
    calls.collection = (name, timeoutMs = 20000) => new Promise((resolve, reject) => {
        const made = calls.collections.find(c => c.name === name);
        if (made) return resolve(made);
        const timer = setTimeout(() => reject(new Error(`no diagnostic collection ${name}`)), timeoutMs);
        collectionListeners.push((c) => { if (c.name === name) { clearTimeout(timer); resolve(c); } });
    });
    const answer = (msg) => Promise.resolve(Object.entries(answers).find(([start]) => msg.startsWith(start))?.[1]);
    const disposable = () => ({ dispose() {} });

    // Anything the extension or vscode-languageclient touches that is not modelled below:
    // a callable, constructible object whose every property is another such object.
    const anything = (name) => new Proxy(function () {}, {
        get: (target, prop) => {
            if (prop === 'then') return undefined; // not a promise
            if (prop === Symbol.toPrimitive) return () => name;
            if (prop === 'dispose') return () => {};
            return anything(`${name}.${String(prop)}`);
        },
        apply: () => anything(`${name}()`),
        construct: () => anything(`new ${name}`),
    });

    class EventEmitter {
        constructor() { this.listeners = []; this.event = (l) => { this.listeners.push(l); return disposable(); }; }
        fire(e) { for (const l of this.listeners) l(e); }
        dispose() {}
    }
    class Disposable {
        constructor(fn) { this.fn = fn; }
        static from(...ds) { return new Disposable(() => ds.forEach(d => d.dispose())); }
        dispose() { if (this.fn) this.fn(); }
    }
    const logChannel = (name) => {
        const log = (level) => (msg) => calls.outputLines.push(`${level} ${msg}`);
        return {
            name, logLevel: 2, onDidChangeLogLevel: () => disposable(),
            trace: log('trace'), debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'),
            append: log('append'), appendLine: log('line'), replace() {}, clear() {}, show() {}, hide() {}, dispose() {},
        };
    };

    class CancellationTokenSource {
        constructor() {
            const listeners = [];
            this.token = { isCancellationRequested: false, onCancellationRequested: (l) => { listeners.push(l); return disposable(); } };
            this.fire = () => listeners.forEach(l => l());
        }
        cancel() { if (!this.token.isCancellationRequested) { this.token.isCancellationRequested = true; this.fire(); } }
        dispose() {}
    }
    class RelativePattern {
        constructor(base, pattern) { this.base = base; this.pattern = pattern; }
    }
    class Range {
        constructor(sl, sc, el, ec) { this.start = { line: sl, character: sc }; this.end = { line: el, character: ec }; }
    }
    class Diagnostic {
        constructor(range, message, severity) { this.range = range; this.message = message; this.severity = severity; }
    }

    const overrides = {
        version: '1.91.0',
        RelativePattern,
        CancellationTokenSource,
        Range,
        Diagnostic,
        EventEmitter,
        Disposable,
        StatusBarAlignment: { Left: 1, Right: 2 },
        DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
        ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
        Uri: {
            file: (p) => ({ fsPath: p, scheme: 'file', toString: () => `file://${p}` }),
            parse: (s) => {
                const scheme = s.slice(0, s.indexOf(':'));
                return { scheme, fsPath: scheme === 'file' ? require('url').fileURLToPath(s) : undefined, toString: () => s };
            },
        },
        window: {
            createOutputChannel: (name) => logChannel(name),
            createStatusBarItem: () => {
                const item = { text: '', tooltip: '', command: undefined, visible: false, show() { this.visible = true; }, hide() { this.visible = false; }, dispose() {} };
                calls.statusItems.push(item);
                return item;
            },
            showErrorMessage: (msg) => { calls.errors.push(msg); return answer(msg); },
            showWarningMessage: (msg) => { calls.warnings.push(msg); return answer(msg); },
            showInformationMessage: (msg) => { calls.infos.push(msg); return Promise.resolve(undefined); },
            withProgress: (_opts, task) => task({ report() {} }, { isCancellationRequested: false, onCancellationRequested: () => disposable() }),
            get activeTextEditor() { return undefined; },
            visibleTextEditors: [],
            onDidChangeActiveTextEditor: () => disposable(),
            onDidChangeVisibleTextEditors: () => disposable(),
        },
        commands: {
            registerCommand: (id, fn) => { calls.commands.push({ id, fn }); return disposable(); },
            executeCommand: (id, ...args) => { calls.executed.push({ id, args }); return Promise.resolve(undefined); },
        },
        languages: {
            createDiagnosticCollection: (name) => {
                const entries = new Map();
                const waiting = [];
                const collection = {
                    name, entries,
                    set: (uri, diags) => {
                        entries.set(uri.fsPath, diags);
                        for (const w of [...waiting]) w();
                    },
                    /** Resolves with a file's diagnostics once they match, or rejects after timeoutMs. */
                    waitFor: (fsPath, matches = () => true, timeoutMs = 20000) => new Promise((resolve, reject) => {
                        const check = () => {
                            const d = entries.get(fsPath);
                            if (d && matches(d)) {
                                waiting.splice(waiting.indexOf(check), 1);
                                clearTimeout(timer);
                                resolve(d);
                            }
                        };
                        const timer = setTimeout(() => {
                            waiting.splice(waiting.indexOf(check), 1);
                            reject(new Error(`no diagnostics for ${fsPath} in ${name}; has ${[...entries.keys()]}`));
                        }, timeoutMs);
                        waiting.push(check);
                        check();
                    }),
                    delete: (uri) => entries.delete(uri.fsPath),
                    clear: () => entries.clear(),
                    get: (uri) => entries.get(uri.fsPath),
                    forEach: (fn) => entries.forEach((v, k) => fn({ fsPath: k }, v)),
                    dispose() {},
                };
                calls.collections.push(collection);
                for (const l of [...collectionListeners]) l(collection);
                return collection;
            },
        },
        workspace: {
            getConfiguration: (section) => ({
                get: (key, dflt) => {
                    const full = section ? `${section}.${key}` : key;
                    return full in settings ? settings[full] : dflt;
                },
                has: () => false,
                inspect: () => undefined,
                update: () => Promise.resolve(),
            }),
            workspaceFolders: [],
            textDocuments: [],
            onDidChangeConfiguration: () => disposable(),
            onDidOpenTextDocument: () => disposable(),
            onDidCloseTextDocument: () => disposable(),
            onDidChangeTextDocument: () => disposable(),
            onDidSaveTextDocument: () => disposable(),
            onDidChangeWorkspaceFolders: () => disposable(),
            createFileSystemWatcher: () => ({ onDidCreate: () => disposable(), onDidChange: () => disposable(), onDidDelete: () => disposable(), dispose() {} }),
            findFiles: () => Promise.resolve([]),
        },
        // remoteName: undefined in a local window; 'codespaces', 'ssh-remote', ... in a remote one.
        env: { openExternal: () => Promise.resolve(true), appName: 'stub', language: 'en', remoteName: undefined },
    };
    // Namespaces fall back to `anything` for the many APIs the language client registers with.
    const withFallback = (obj, name) => new Proxy(obj, {
        get: (target, prop) => (prop in target ? target[prop] : anything(`${name}.${String(prop)}`)),
        set: (target, prop, value) => { target[prop] = value; return true; },
    });
    for (const ns of ['window', 'commands', 'languages', 'workspace', 'env']) {
        overrides[ns] = withFallback(overrides[ns], `vscode.${ns}`);
    }
    const vscode = withFallback(overrides, 'vscode');
    return { vscode, calls };
}

/** Makes `require('vscode')` return the stub until the returned function is called. */
function installVscodeStub(vscode) {
    const original = Module._load;
    Module._load = function (request, parent, isMain) {
        if (request === 'vscode') return vscode;
        return original.call(this, request, parent, isMain);
    };
    return () => { Module._load = original; };
}

/** An ExtensionContext for an extension installed at extensionPath (its package.json is this one's). */
function fakeContext(extensionPath) {
    const path = require('path');
    return {
        subscriptions: [],
        extensionPath,
        asAbsolutePath: (rel) => path.join(extensionPath, rel),
        globalState: { get: () => undefined, update: () => Promise.resolve(), keys: () => [] },
        workspaceState: { get: () => undefined, update: () => Promise.resolve(), keys: () => [] },
        environmentVariableCollection: {},
        extension: { packageJSON: require('../../package.json') },
    };
}

module.exports = { createVscodeStub, installVscodeStub, fakeContext };
