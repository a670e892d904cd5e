// A stand-in for the `vscode` module, so the bundled extension can be loaded and activated
// under plain node. It records what the extension asks VS Code to do.
'use strict';
const Module = require('module');

function createVscodeStub(settings = {}) {
    const calls = { commands: [], errors: [], infos: [], statusItems: [], outputLines: [], collections: [] };
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
        Range,
        Diagnostic,
        EventEmitter,
        Disposable,
        StatusBarAlignment: { Left: 1, Right: 2 },
        DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
        ProgressLocation: { SourceControl: 1, Window: 10, Notification: 15 },
        Uri: { file: (p) => ({ fsPath: p, scheme: 'file', toString: () => `file://${p}` }), parse: (s) => ({ toString: () => s }) },
        window: {
            createOutputChannel: (name) => logChannel(name),
            createStatusBarItem: () => {
                const item = { text: '', tooltip: '', command: undefined, visible: false, show() { this.visible = true; }, hide() { this.visible = false; }, dispose() {} };
                calls.statusItems.push(item);
                return item;
            },
            showErrorMessage: (msg) => { calls.errors.push(msg); return Promise.resolve(undefined); },
            showWarningMessage: (msg) => { calls.errors.push(msg); return Promise.resolve(undefined); },
            showInformationMessage: (msg) => { calls.infos.push(msg); return Promise.resolve(undefined); },
            withProgress: (_opts, task) => task({ report() {} }, { isCancellationRequested: false, onCancellationRequested: () => disposable() }),
            get activeTextEditor() { return undefined; },
            visibleTextEditors: [],
            onDidChangeActiveTextEditor: () => disposable(),
            onDidChangeVisibleTextEditors: () => disposable(),
        },
        commands: {
            registerCommand: (id, fn) => { calls.commands.push({ id, fn }); return disposable(); },
            executeCommand: () => Promise.resolve(undefined),
        },
        languages: {
            createDiagnosticCollection: (name) => {
                const entries = new Map();
                const collection = {
                    name, entries,
                    set: (uri, diags) => entries.set(uri.fsPath, diags),
                    delete: (uri) => entries.delete(uri.fsPath),
                    clear: () => entries.clear(),
                    get: (uri) => entries.get(uri.fsPath),
                    forEach: (fn) => entries.forEach((v, k) => fn({ fsPath: k }, v)),
                    dispose() {},
                };
                calls.collections.push(collection);
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
        env: { openExternal: () => Promise.resolve(true), appName: 'stub', language: 'en' },
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
