// The same client library stack as VS Code (vscode-jsonrpc + vscode-languageserver-protocol)
// drives the real server jar over stdio: initialize, diagnostics, completion, hover.
// The jar: $OPENSAFELY_LSP_JAR, else ../server/target/opensafely-lsp.jar (build it with Maven first).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { spawn } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const rpc = require('vscode-jsonrpc/node');
const lsp = require('vscode-languageserver-protocol');
const core = require('../dist/core.js');

const jar = path.resolve(process.env.OPENSAFELY_LSP_JAR ?? path.join(__dirname, '..', '..', 'server', 'target', 'opensafely-lsp.jar'));

// A study with a mistake: `run` twice in one action (0-based lines 3 and 4).
const PROJECT_WITH_DUPLICATE = [
    'version: "5.0"',                                          // 0
    'actions:',                                                // 1
    '  generate_dataset:',                                     // 2
    '    run: ehrql:v1 generate-dataset analysis/dataset_definition.py --output output/dataset.csv.gz', // 3
    '    run: ehrql:v1 generate-dataset analysis/dataset_definition.py --output output/dataset.csv.gz', // 4
    '    outputs:',                                            // 5
    '      highly_sensitive:',                                 // 6
    '        dataset: output/dataset.csv.gz',                  // 7
    '',
].join('\n');

async function startServer(t) {
    assert.ok(fs.existsSync(jar), `The server jar ${jar} is not built: run "mvn -B -q -DskipTests package" at the repository root first.`);
    const found = await core.findJava(core.javaCandidates(undefined, process.env, process.platform), core.nodeJavaProbe);
    assert.ok(found.ok, 'no Java 17+ found to run the server');
    const proc = spawn(found.java.executable, core.javaArgs([], jar), { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', d => { stderr += d; });
    const connection = rpc.createMessageConnection(
        new rpc.StreamMessageReader(proc.stdout),
        new rpc.StreamMessageWriter(proc.stdin),
    );
    const diagnostics = new Map(); // uri -> list of publishDiagnostics params, in arrival order
    const waiters = [];
    connection.onNotification(lsp.PublishDiagnosticsNotification.type, params => {
        const list = diagnostics.get(params.uri) ?? [];
        list.push(params);
        diagnostics.set(params.uri, list);
        for (const w of [...waiters]) w();
    });
    // Requests a server may make of any client.
    connection.onRequest(lsp.ConfigurationRequest.type, params => params.items.map(() => null));
    connection.onRequest(lsp.RegistrationRequest.type, () => null);
    connection.onRequest(lsp.WorkDoneProgressCreateRequest.type, () => null);
    connection.onNotification(lsp.LogMessageNotification.type, () => {});
    connection.listen();

    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'study-'));
    fs.mkdirSync(path.join(root, 'analysis'));
    fs.writeFileSync(path.join(root, 'analysis', 'dataset_definition.py'), 'from ehrql import create_dataset\nfrom ehrql.tables.core import patients\ndataset = create_dataset()\ndataset.define_population(patients.date_of_birth.is_not_null())\n');
    const rootUri = `file://${root}`;

    t.after(async () => {
        try {
            await Promise.race([connection.sendRequest(lsp.ShutdownRequest.type), delay(3000)]);
            connection.sendNotification(lsp.ExitNotification.type);
        } catch { /* the process may already be gone */ }
        await Promise.race([new Promise(r => proc.once('exit', r)), delay(3000)]);
        if (proc.exitCode === null) proc.kill();
        connection.dispose();
        fs.rmSync(root, { recursive: true, force: true });
    });

    const init = await withTimeout(connection.sendRequest(lsp.InitializeRequest.type, {
        processId: process.pid,
        rootUri,
        workspaceFolders: [{ uri: rootUri, name: 'study' }],
        capabilities: {
            textDocument: {
                publishDiagnostics: { relatedInformation: true },
                completion: { completionItem: { snippetSupport: false, documentationFormat: ['markdown', 'plaintext'] } },
                hover: { contentFormat: ['markdown', 'plaintext'] },
                synchronization: { didSave: true },
            },
            workspace: { configuration: true, workspaceFolders: true },
        },
    }), 20000, () => `initialize got no answer; server stderr:\n${stderr}`);
    connection.sendNotification(lsp.InitializedNotification.type, {});

    function open(relPath, text) {
        const uri = `${rootUri}/${relPath}`;
        fs.writeFileSync(path.join(root, relPath), text);
        connection.sendNotification(lsp.DidOpenTextDocumentNotification.type, {
            textDocument: { uri, languageId: relPath.endsWith('.py') ? 'python' : 'yaml', version: 1, text },
        });
        return uri;
    }

    /** Waits for a publishDiagnostics for uri that satisfies accept (default: any). */
    function nextDiagnostics(uri, accept = () => true, ms = 10000) {
        return new Promise((resolve, reject) => {
            const check = () => {
                const hit = (diagnostics.get(uri) ?? []).find(p => accept(p));
                if (!hit) return false;
                waiters.splice(waiters.indexOf(check), 1);
                clearTimeout(timer);
                resolve(hit);
                return true;
            };
            const timer = setTimeout(() => {
                waiters.splice(waiters.indexOf(check), 1);
                reject(new Error(`no matching diagnostics for ${uri} within ${ms} ms; got ${JSON.stringify(diagnostics.get(uri))}\nstderr:\n${stderr}`));
            }, ms);
            waiters.push(check);
            check();
        });
    }

    return { connection, init, open, nextDiagnostics, diagnostics, root, rootUri };
}

function delay(ms) {
    return new Promise(r => setTimeout(r, ms));
}

function withTimeout(promise, ms, message) {
    let timer;
    return Promise.race([
        promise.finally(() => clearTimeout(timer)),
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(message())), ms); }),
    ]);
}

const labels = (result) => (Array.isArray(result) ? result : result?.items ?? []).map(i => i.label);

test('the real server over JSON-RPC: diagnostics, completion, hover', { timeout: 60000 }, async (t) => {
    const s = await startServer(t);

    await t.test('initialize advertises the features the extension relies on', () => {
        const caps = s.init.capabilities;
        assert.ok(caps.textDocumentSync, 'textDocumentSync');
        assert.ok(caps.completionProvider, 'completionProvider');
        assert.ok(caps.hoverProvider, 'hoverProvider');
        assert.equal(s.init.serverInfo?.name, 'opensafely-lsp');
    });

    await t.test('a duplicate key is reported at both occurrences, each pointing at the other', async () => {
        const uri = s.open('project.yaml', PROJECT_WITH_DUPLICATE);
        const published = await s.nextDiagnostics(uri, p => p.diagnostics.length > 0);
        const key = (line) => ({ start: { line, character: 4 }, end: { line, character: 7 } });
        const summary = published.diagnostics.map(d => ({ code: d.code, severity: d.severity, source: d.source, range: d.range }));
        assert.deepEqual(summary, [
            { code: 'yaml-duplicate-key', severity: lsp.DiagnosticSeverity.Error, source: 'opensafely-lsp', range: key(3) },
            { code: 'yaml-duplicate-key', severity: lsp.DiagnosticSeverity.Error, source: 'opensafely-lsp', range: key(4) },
        ], JSON.stringify(published.diagnostics, null, 1));
        assert.deepEqual(published.diagnostics[0].relatedInformation.map(r => [r.location.uri, r.location.range]), [[uri, key(4)]]);
        assert.deepEqual(published.diagnostics[1].relatedInformation.map(r => [r.location.uri, r.location.range]), [[uri, key(3)]]);
        assert.match(published.diagnostics[0].message, /'run'/);
    });

    await t.test('fixing the file clears the diagnostics (incremental change)', async () => {
        const uri = `${s.rootUri}/project.yaml`;
        const before = (s.diagnostics.get(uri) ?? []).length;
        s.connection.sendNotification(lsp.DidChangeTextDocumentNotification.type, {
            textDocument: { uri, version: 2 },
            contentChanges: [{ range: { start: { line: 4, character: 0 }, end: { line: 5, character: 0 } }, text: '' }],
        });
        const published = await s.nextDiagnostics(uri, p => s.diagnostics.get(uri).indexOf(p) >= before);
        assert.deepEqual(published.diagnostics, []);
    });

    await t.test('completion inside an action offers the keys it does not have yet', async () => {
        const uri = `${s.rootUri}/project.yaml`;
        // The fixed file, with an empty key line (line 5) inside the action.
        const lines = PROJECT_WITH_DUPLICATE.split('\n').filter((_, i) => i !== 4);
        lines.splice(5, 0, '    ');
        s.connection.sendNotification(lsp.DidChangeTextDocumentNotification.type, {
            textDocument: { uri, version: 3 },
            contentChanges: [{ text: lines.join('\n') }],
        });
        const result = await s.connection.sendRequest(lsp.CompletionRequest.type, {
            textDocument: { uri }, position: { line: 5, character: 4 },
        });
        assert.deepEqual(labels(result), ['needs', 'config', 'dummy_data_file']);
    });

    await t.test('completion after `run: ` offers OpenSAFELY images', async () => {
        const uri = `${s.rootUri}/project.yaml`;
        const result = await s.connection.sendRequest(lsp.CompletionRequest.type, {
            textDocument: { uri }, position: { line: 3, character: 9 },
        });
        const got = labels(result);
        for (const image of ['ehrql:v1', 'python:v2', 'r:v2']) assert.ok(got.includes(image), `${image} missing from ${JSON.stringify(got)}`);
    });

    await t.test('completion on an empty top-level line offers the missing top-level key', async () => {
        const uri = `${s.rootUri}/project.yaml`;
        s.connection.sendNotification(lsp.DidChangeTextDocumentNotification.type, {
            textDocument: { uri, version: 4 },
            contentChanges: [{ text: 'version: "5.0"\n\n' }],
        });
        const result = await s.connection.sendRequest(lsp.CompletionRequest.type, {
            textDocument: { uri }, position: { line: 1, character: 0 },
        });
        // `version` is there already, and version 5 does not allow `expectations`.
        assert.deepEqual(labels(result), ['actions']);
    });

    await t.test('hover on `version` explains it, over the key', async () => {
        const uri = `${s.rootUri}/project.yaml`;
        const result = await s.connection.sendRequest(lsp.HoverRequest.type, {
            textDocument: { uri }, position: { line: 0, character: 2 },
        });
        assert.ok(result, 'no hover on `version`');
        assert.equal(result.contents.kind, 'markdown');
        assert.match(result.contents.value, /^\*\*`version`\*\*/);
        assert.match(result.contents.value, /latest version is 5/);
        assert.deepEqual(result.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 7 } });
    });
});
