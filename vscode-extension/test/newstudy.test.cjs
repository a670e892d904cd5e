// "OpenSAFELY: New Study" through the real server jar, with a stubbed `vscode` module.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const os = require('os');
const path = require('path');
const core = require('../dist/core.js');
const { createVscodeStub, installVscodeStub, fakeContext } = require('./support/vscode-stub.cjs');

const extensionDir = path.join(__dirname, '..');
const bundle = path.join(extensionDir, 'dist', 'extension.js');
const jar = path.resolve(process.env.OPENSAFELY_LSP_JAR ?? path.join(extensionDir, '..', 'server', 'target', 'opensafely-lsp.jar'));

test('initFailureMessage gives the jar\'s one line without its prefix', () => {
    assert.equal(core.initFailureMessage(2, 'opensafely-lsp init: x is not empty (it holds a.txt): give a new or empty folder for the study\n'),
        'OpenSAFELY: could not create the study: x is not empty (it holds a.txt): give a new or empty folder for the study');
    assert.equal(core.initFailureMessage(undefined, ''), 'OpenSAFELY: could not create the study: init exited with code unknown');
    assert.deepEqual(core.initCommand('/tmp/s'), ['init', '/tmp/s']);
});

/** Activates the extension, installed with the real jar, and runs New Study with the folder the dialog "picks". */
async function newStudy(folder) {
    assert.ok(fs.existsSync(jar), `The server jar ${jar} is not built: run "mvn -B -q -DskipTests package" at the repository root first.`);
    const installed = fs.mkdtempSync(path.join(os.tmpdir(), 'ext-'));
    fs.mkdirSync(path.join(installed, 'server'));
    fs.copyFileSync(jar, path.join(installed, 'server', 'opensafely-lsp.jar'));
    const { vscode, calls } = createVscodeStub({});
    const dialogs = [];
    vscode.window.showOpenDialog = async (options) => { dialogs.push(options); return [vscode.Uri.file(folder)]; };
    const restore = installVscodeStub(vscode);
    delete require.cache[require.resolve(bundle)];
    const ext = require(bundle);
    try {
        await ext.activate(fakeContext(installed));
        await calls.commands.find(c => c.id === 'opensafely.newStudy').fn();
        return { calls, dialogs };
    } finally {
        await ext.deactivate();
        restore();
        fs.rmSync(installed, { recursive: true, force: true });
    }
}

test('New Study lays out the study in the picked folder and opens it', { timeout: 60000 }, async () => {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'new-study-'));
    const folder = path.join(parent, 'my-study');
    try {
        const { calls, dialogs } = await newStudy(folder);
        assert.equal(dialogs.length, 1);
        assert.equal(dialogs[0].canSelectFolders, true);
        assert.deepEqual(calls.errors, [], calls.outputLines.join('\n'));
        for (const f of ['project.yaml', 'analysis/dataset_definition.py', 'analysis/report.py', 'codelists/codelists.txt', 'README.md']) {
            assert.ok(fs.existsSync(path.join(folder, f)), f);
        }
        const opened = calls.executed.filter(e => e.id === 'vscode.openFolder');
        assert.equal(opened.length, 1);
        assert.equal(opened[0].args[0].fsPath, folder);
    } finally {
        fs.rmSync(parent, { recursive: true, force: true });
    }
});

test('New Study refuses a folder with files in it, in one message, and opens nothing', { timeout: 60000 }, async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'busy-'));
    fs.writeFileSync(path.join(folder, 'notes.txt'), 'mine');
    try {
        const { calls } = await newStudy(folder);
        assert.equal(calls.errors.length, 1, JSON.stringify(calls.errors));
        assert.match(calls.errors[0], /^OpenSAFELY: could not create the study: .* is not empty \(it holds notes\.txt\)/);
        assert.deepEqual(calls.executed.filter(e => e.id === 'vscode.openFolder'), []);
        assert.deepEqual(fs.readdirSync(folder), ['notes.txt']);
    } finally {
        fs.rmSync(folder, { recursive: true, force: true });
    }
});
