// "OpenSAFELY: Release Summary of Outputs" through the real server jar, with a stubbed `vscode` module.
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
const example = path.join(extensionDir, '..', 'examples', 'clean-study');

test('the summary command and its failure message', () => {
    assert.deepEqual(core.outputsSummaryCommand('/tmp/s'), ['outputs', 'summary', '--project-dir', '/tmp/s']);
    assert.equal(core.outputsSummaryPage('/tmp/s'), path.join('/tmp/s', 'metadata', 'outputs-summary.html'));
    assert.equal(core.outputsSummaryFailureMessage(2, 'opensafely-lsp outputs summary: x is not a study folder (it has no project.yaml)\n'),
        'OpenSAFELY: could not write the release summary: x is not a study folder (it has no project.yaml)');
});

test('Release Summary writes the study\'s page and opens it', { timeout: 60000 }, async () => {
    assert.ok(fs.existsSync(jar), `The server jar ${jar} is not built: run "mvn -B -q -DskipTests package" at the repository root first.`);
    const study = fs.mkdtempSync(path.join(os.tmpdir(), 'summary-study-'));
    const installed = fs.mkdtempSync(path.join(os.tmpdir(), 'ext-'));
    fs.cpSync(example, study, { recursive: true });
    fs.mkdirSync(path.join(study, 'output'), { recursive: true });
    // An output as the describe_asthma action would write it, with one count an output checker would send back.
    fs.writeFileSync(path.join(study, 'output', 'asthma_by_age_band.csv'), 'age_band,patients\n18-39,250\n40-64,6\n65+,490\n');
    fs.mkdirSync(path.join(installed, 'server'));
    fs.copyFileSync(jar, path.join(installed, 'server', 'opensafely-lsp.jar'));
    const { vscode, calls } = createVscodeStub({});
    vscode.workspace.workspaceFolders = [{ uri: vscode.Uri.file(study), name: 'study', index: 0 }];
    vscode.workspace.findFiles = async () => [vscode.Uri.file(path.join(study, 'project.yaml'))];
    const opened = [];
    vscode.env.openExternal = async (uri) => { opened.push(uri); return true; };
    const restore = installVscodeStub(vscode);
    delete require.cache[require.resolve(bundle)];
    const ext = require(bundle);
    try {
        await ext.activate(fakeContext(installed));
        await calls.commands.find(c => c.id === 'opensafely.outputsSummary').fn();
        assert.deepEqual(calls.errors, [], calls.outputLines.join('\n'));
        const page = path.join(study, 'metadata', 'outputs-summary.html');
        assert.equal(opened.length, 1);
        assert.equal(opened[0].fsPath, page);
        const html = fs.readFileSync(page, 'utf8');
        assert.match(html, /output\/asthma_by_age_band\.csv/);
        assert.match(html, /output-small-count/);
    } finally {
        await ext.deactivate();
        restore();
        fs.rmSync(installed, { recursive: true, force: true });
        fs.rmSync(study, { recursive: true, force: true });
    }
});
