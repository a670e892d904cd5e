// Running actions through the real server jar, as the extension does: the code lenses of project.yaml, a run with
// work-done progress and the opensafely/runLog notifications the "OpenSAFELY Run" channel shows, and cancel.
// Jobs run with the local executor and the Python of $OPENSAFELY_TEST_PYTHON (default /usr/bin/python3).
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
const python = process.env.OPENSAFELY_TEST_PYTHON ?? '/usr/bin/python3';

const PROJECT = [
    "version: '5'",                                   // 0
    'actions:',                                       // 1
    '  hello:',                                       // 2
    '    run: python:v2 python analysis/hello.py',    // 3
    '    outputs:',
    '      moderately_sensitive:',
    '        table: output/hello.csv',
    '  slow:',                                        // 7
    '    run: python:v2 python analysis/slow.py',
    '    outputs:',
    '      moderately_sensitive:',
    '        table: output/slow.csv',
    '',
].join('\n');

/** Resolves when one of the recorded events matches, or fails after ms with what did arrive. */
function waitFor(events, match, ms, what) {
    return new Promise((resolve, reject) => {
        let timer;
        const poll = () => {
            const hit = events.list.find(match);
            if (!hit) return false;
            clearTimeout(timer);
            events.waiters.splice(events.waiters.indexOf(poll), 1);
            resolve(hit);
            return true;
        };
        if (poll()) return;
        events.waiters.push(poll);
        timer = setTimeout(() => {
            events.waiters.splice(events.waiters.indexOf(poll), 1);
            reject(new Error(`no ${what} within ${ms} ms; got ${JSON.stringify(events.list).slice(0, 2000)}`));
        }, ms);
    });
}

function recorder() {
    const r = { list: [], waiters: [] };
    r.add = (e) => {
        r.list.push(e);
        for (const w of [...r.waiters]) w();
    };
    return r;
}

async function startServer(t, root) {
    assert.ok(fs.existsSync(jar), `The server jar ${jar} is not built: run "mvn -B -q -DskipTests package" at the repository root first.`);
    const found = await core.findJava(core.javaCandidates(undefined, process.env, process.platform), core.nodeJavaProbe);
    assert.ok(found.ok, 'no Java 17+ found to run the server');
    const proc = spawn(found.java.executable, core.javaArgs([], jar), { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', d => { stderr += d; });
    const connection = rpc.createMessageConnection(new rpc.StreamMessageReader(proc.stdout), new rpc.StreamMessageWriter(proc.stdin));
    t.after(async () => {
        try {
            await Promise.race([connection.sendRequest(lsp.ShutdownRequest.type), new Promise(r => setTimeout(r, 3000))]);
            connection.sendNotification(lsp.ExitNotification.type);
        } catch { /* gone already */ }
        await Promise.race([new Promise(r => proc.once('exit', r)), new Promise(r => setTimeout(r, 3000))]);
        if (proc.exitCode === null) proc.kill();
        connection.dispose();
    });
    const progress = recorder();
    const runLog = recorder();
    const messages = recorder();
    let refreshes = 0;
    connection.onRequest(lsp.RegistrationRequest.type, () => null);
    connection.onRequest(lsp.WorkDoneProgressCreateRequest.type, () => null);
    connection.onRequest('workspace/codeLens/refresh', () => { refreshes++; return null; });
    connection.onNotification('$/progress', p => progress.add(p));
    connection.onNotification(core.RUN_LOG_NOTIFICATION, p => runLog.add(p));
    connection.onNotification(lsp.ShowMessageNotification.type, m => messages.add(m));
    connection.onNotification(lsp.LogMessageNotification.type, () => {});
    connection.onNotification(lsp.PublishDiagnosticsNotification.type, () => {});
    connection.listen();
    const rootUri = `file://${root}`;
    const init = await connection.sendRequest(lsp.InitializeRequest.type, {
        processId: process.pid,
        rootUri,
        workspaceFolders: [{ uri: rootUri, name: 'study' }],
        capabilities: { window: { workDoneProgress: true }, workspace: { codeLens: { refreshSupport: true } } },
        initializationOptions: { ...core.runInitializationOptions(python, 'local') },
    });
    connection.sendNotification(lsp.InitializedNotification.type, {});
    return { connection, init, progress, runLog, messages, refreshes: () => refreshes, stderr: () => stderr };
}

test('runs actions through the real server: code lenses, progress, the log, cancel', { timeout: 240000, skip: !fs.existsSync(python) && `no ${python}` }, async (t) => {
    const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'run-study-')));
    t.after(() => fs.rmSync(root, { recursive: true, force: true }));
    fs.mkdirSync(path.join(root, 'analysis'));
    fs.writeFileSync(path.join(root, 'analysis', 'hello.py'),
        "import os\nos.makedirs('output', exist_ok=True)\nprint('hello from the job', flush=True)\nopen('output/hello.csv', 'w').write('a\\n1\\n')\n");
    fs.writeFileSync(path.join(root, 'analysis', 'slow.py'),
        "import os, time\nos.makedirs('output', exist_ok=True)\nopen('output/slow.csv', 'w').write('a\\n1\\n')\nprint('written, waiting', flush=True)\nwhile True:\n    time.sleep(1)\n");
    fs.writeFileSync(path.join(root, 'project.yaml'), PROJECT);
    const s = await startServer(t, root);
    const uri = `file://${root}/project.yaml`;

    assert.ok(s.init.capabilities.codeLensProvider, 'codeLensProvider');
    assert.ok(s.init.capabilities.executeCommandProvider.commands.includes(core.RUN_COMMAND));
    s.connection.sendNotification(lsp.DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'yaml', version: 1, text: PROJECT } });

    const lensTitles = async (line) => (await s.connection.sendRequest(lsp.CodeLensRequest.type, { textDocument: { uri } }))
        .filter(l => l.range.start.line === line).map(l => l.command.title);

    await t.test('each action has Run, Run with dependencies and its state', async () => {
        assert.deepEqual(await lensTitles(2), ['▶ Run', 'Run with dependencies', 'never run']);
        const lenses = await s.connection.sendRequest(lsp.CodeLensRequest.type, { textDocument: { uri } });
        const run = lenses.find(l => l.range.start.line === 2);
        assert.deepEqual(run.command, { title: '▶ Run', command: core.RUN_COMMAND, arguments: core.runArguments(uri, ['hello'], false) });
    });

    await t.test('a run reports progress, streams the log and refreshes the lenses', async () => {
        const result = await s.connection.sendRequest(lsp.ExecuteCommandRequest.type, { command: core.RUN_COMMAND, arguments: core.runArguments(uri, ['hello'], false) });
        assert.equal(result.ok, true, JSON.stringify(result));
        const begin = await waitFor(s.progress, p => p.value.kind === 'begin', 10000, 'progress begin');
        assert.match(begin.value.title, /hello/);
        assert.equal(begin.value.cancellable, true);
        await waitFor(s.progress, p => p.value.kind === 'report' && /hello: /.test(p.value.message ?? ''), 10000, 'a progress report');
        const end = await waitFor(s.progress, p => p.value.kind === 'end' && p.token === begin.token, 10000, 'progress end');
        assert.match(end.value.message, /succeeded/);
        const line = await waitFor(s.runLog, l => l.action === 'hello' && /hello from the job/.test(l.line), 10000, 'the job\'s log line');
        assert.match(core.runLogLine(line), /^\[hello\] \d{4}-\d\d-\d\dT.* hello from the job$/);
        await waitFor(s.messages, m => m.type === lsp.MessageType.Info && /Ran hello: succeeded/.test(m.message), 10000, 'the outcome');
        assert.ok(fs.existsSync(path.join(root, 'output', 'hello.csv')));
        assert.ok(s.refreshes() >= 1, 'workspace/codeLens/refresh after the run');
        assert.equal((await lensTitles(2))[2], 'succeeded just now');
    });

    await t.test('cancelling the progress stops the job and leaves no output', async () => {
        const running = s.connection.sendRequest(lsp.ExecuteCommandRequest.type, { command: core.RUN_COMMAND, arguments: core.runArguments(uri, ['slow'], false) });
        await waitFor(s.runLog, l => l.action === 'slow' && /written, waiting/.test(l.line), 60000, 'the slow job\'s line');
        const begin = s.progress.list.filter(p => p.value.kind === 'begin' && /slow/.test(p.value.title)).pop();
        s.connection.sendNotification(lsp.WorkDoneProgressCancelNotification.type, { token: begin.token });
        const result = await running;
        assert.equal(result.ok, false);
        assert.match(result.message, /^Run cancelled/);
        assert.ok(!fs.existsSync(path.join(root, 'output', 'slow.csv')), 'no partial output');
        assert.equal((await lensTitles(7))[2], 'never run');
    });
});

test('what the extension decides about runs', () => {
    assert.deepEqual(core.runInitializationOptions(undefined, undefined), { runLog: 'notification', runPython: 'python3', runExecutor: 'auto' });
    assert.deepEqual(core.runInitializationOptions(' /usr/bin/python3 ', 'local'), { runLog: 'notification', runPython: '/usr/bin/python3', runExecutor: 'local' });
    assert.deepEqual(core.actionsFromSymbols([
        { name: 'version', kind: 20, detail: '5' },
        { name: 'generate_dataset', kind: 12, detail: 'ehrql:v1 generate-dataset ...' },
        { name: 'report', kind: 12 },
    ]), [{ label: 'generate_dataset', description: 'ehrql:v1 generate-dataset ...' }, { label: 'report' }]);
    assert.equal(core.runLogLine({ action: 'report', line: '2026-01-01T00:00:00Z hi' }), '[report] 2026-01-01T00:00:00Z hi');
    assert.equal(core.runLogLine({ action: null, line: 'Running report' }), 'Running report');
});
