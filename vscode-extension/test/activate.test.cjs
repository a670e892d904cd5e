// The bundle loads and activates with a stubbed `vscode` module (no VS Code needed).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
const http = require('http');
const os = require('os');
const path = require('path');
const { createVscodeStub, installVscodeStub, fakeContext } = require('./support/vscode-stub.cjs');

const extensionDir = path.join(__dirname, '..');
const bundle = path.join(extensionDir, 'dist', 'extension.js');

function loadFresh(vscode) {
    const restore = installVscodeStub(vscode);
    delete require.cache[require.resolve(bundle)];
    try {
        return { ext: require(bundle), restore };
    } catch (e) {
        restore();
        throw e;
    }
}

test('the bundle loads with vscode external and exports activate/deactivate', () => {
    assert.ok(fs.existsSync(bundle), `${bundle} is missing: run "npm run build"`);
    const { vscode } = createVscodeStub();
    const { ext, restore } = loadFresh(vscode);
    try {
        assert.equal(typeof ext.activate, 'function');
        assert.equal(typeof ext.deactivate, 'function');
    } finally {
        restore();
    }
});

test('without Java 17+, activation registers the commands and shows one clear message', async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-java-'));
    const saved = { PATH: process.env.PATH, JAVA_HOME: process.env.JAVA_HOME };
    process.env.PATH = empty;
    delete process.env.JAVA_HOME;
    const { vscode, calls } = createVscodeStub({ 'opensafely.java.home': path.join(empty, 'nowhere') });
    const { ext, restore } = loadFresh(vscode);
    try {
        const context = fakeContext(extensionDir);
        await ext.activate(context);

        assert.deepEqual(
            calls.commands.map(c => c.id).sort(),
            ['opensafely.checkWorkspace', 'opensafely.generateDummyData', 'opensafely.newStudy', 'opensafely.outputsSummary', 'opensafely.restartServer',
                'opensafely.runAction', 'opensafely.runAll', 'opensafely.showOutput', 'opensafely.showVersion', 'opensafely.updateCodelists'],
        );
        // Every registered command is also declared in package.json, so it shows in the palette.
        const declared = require(path.join(extensionDir, 'package.json')).contributes.commands.map(c => c.command).sort();
        assert.deepEqual(calls.commands.map(c => c.id).sort(), declared);

        assert.equal(calls.errors.length, 1, `expected one message, got ${JSON.stringify(calls.errors)}`);
        assert.match(calls.errors[0], /needs Java 17 or newer/);
        assert.match(calls.errors[0], /opensafely\.java\.home/);
        assert.equal(calls.statusItems.length, 1);
        assert.match(calls.statusItems[0].text, /no Java/);
        assert.ok(calls.statusItems[0].visible);
        // The output channel says where it looked.
        assert.ok(calls.outputLines.some(l => l.includes('setting:') && l.includes('not found')), calls.outputLines.join('\n'));
        assert.ok(context.subscriptions.length >= 6);
        await ext.deactivate();
    } finally {
        restore();
        process.env.PATH = saved.PATH;
        if (saved.JAVA_HOME !== undefined) process.env.JAVA_HOME = saved.JAVA_HOME;
    }
});

async function activateWithoutJava(remoteName) {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'no-java-'));
    const saved = { PATH: process.env.PATH, JAVA_HOME: process.env.JAVA_HOME };
    process.env.PATH = empty;
    delete process.env.JAVA_HOME;
    const { vscode, calls } = createVscodeStub({}, { 'OpenSAFELY needs Java': 'Open Settings' });
    vscode.env.remoteName = remoteName;
    const { ext, restore } = loadFresh(vscode);
    try {
        await ext.activate(fakeContext(extensionDir));
        await new Promise(resolve => setImmediate(resolve)); // the button's handler runs after the message resolves
        await ext.deactivate();
        return calls.executed;
    } finally {
        restore();
        process.env.PATH = saved.PATH;
        if (saved.JAVA_HOME !== undefined) process.env.JAVA_HOME = saved.JAVA_HOME;
    }
}

test('without Java, Open Settings shows opensafely.java.home on the tab that lists it', async () => {
    assert.deepEqual(await activateWithoutJava(undefined),
        [{ id: 'workbench.action.openSettings', args: [{ query: 'opensafely.java.home' }] }]);
    // In Codespaces (and any remote window) the machine-scoped setting is on the Remote tab, not the User tab.
    assert.deepEqual(await activateWithoutJava('codespaces'),
        [{ id: 'workbench.action.openRemoteSettings', args: [{ query: 'opensafely.java.home' }] }]);
});

test('a bad opensafely.java.home that falls back to another Java says so', async () => {
    const nowhere = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bad-home-')), 'jdk-typo');
    const { vscode, calls } = createVscodeStub({ 'opensafely.java.home': nowhere }, { 'OpenSAFELY: the Java of': 'Open Settings' });
    const { ext, restore } = loadFresh(vscode);
    try {
        // No server jar next to this fake installation: activation stops after choosing the Java.
        await ext.activate(fakeContext(fs.mkdtempSync(path.join(os.tmpdir(), 'ext-'))));
        await new Promise(resolve => setImmediate(resolve));
        assert.equal(calls.warnings.length, 1, JSON.stringify(calls.warnings));
        const javaOfSetting = path.join(nowhere, 'bin', 'java');
        assert.ok(calls.warnings[0].startsWith(`OpenSAFELY: the Java of "opensafely.java.home" (${javaOfSetting}) cannot be used: not found. Using Java `),
            calls.warnings[0]);
        assert.match(calls.warnings[0], / from (JAVA_HOME|PATH) instead: .*java\.$/);
        assert.ok(calls.outputLines.includes(`warn ${calls.warnings[0]}`), calls.outputLines.join('\n'));
        assert.deepEqual(calls.executed, [{ id: 'workbench.action.openSettings', args: [{ query: 'opensafely.java.home' }] }]);
    } finally {
        await ext.deactivate();
        restore();
    }
});

test('with Java and the jar, the server starts and the commands work against it', { timeout: 60000 }, async () => {
    const jar = path.resolve(process.env.OPENSAFELY_LSP_JAR ?? path.join(extensionDir, '..', 'server', 'target', 'opensafely-lsp.jar'));
    assert.ok(fs.existsSync(jar), `The server jar ${jar} is not built: run "mvn -B -q -DskipTests package" at the repository root first.`);
    // An installed extension: the jar where the .vsix puts it.
    const installed = fs.mkdtempSync(path.join(os.tmpdir(), 'ext-'));
    fs.mkdirSync(path.join(installed, 'server'));
    fs.copyFileSync(jar, path.join(installed, 'server', 'opensafely-lsp.jar'));
    // A study whose project.yaml misspells `expectations` on line 8 (0-based 7).
    const study = fs.mkdtempSync(path.join(os.tmpdir(), 'study-'));
    fs.writeFileSync(path.join(study, 'project.yaml'), [
        'version: "5.0"',
        'actions:',
        '  generate_dataset:',
        '    run: ehrql:v1 generate-dataset analysis/dataset_definition.py --output output/dataset.csv.gz',
        '    outputs:',
        '      highly_sensitive:',
        '        dataset: output/dataset.csv.gz',
        'expectatons:',
        '  population_size: 1000',
        '',
    ].join('\n'));
    fs.mkdirSync(path.join(study, 'analysis'));
    fs.writeFileSync(path.join(study, 'analysis', 'dataset_definition.py'), [
        'from ehrql import create_dataset',
        'from ehrql.tables.core import patients',
        'dataset = create_dataset()',
        'dataset.define_population(patients.date_of_birth.is_not_null())',
        '',
    ].join('\n'));

    const { vscode, calls } = createVscodeStub({});
    vscode.workspace.workspaceFolders = [{ uri: vscode.Uri.file(study), name: 'study', index: 0 }];
    vscode.workspace.findFiles = async () => [{ fsPath: path.join(study, 'project.yaml') }];
    const { ext, restore } = loadFresh(vscode);
    try {
        await ext.activate(fakeContext(installed));
        const log = () => calls.outputLines.join('\n');
        assert.deepEqual(calls.errors, [], log());
        assert.equal(calls.statusItems[0].text, '$(check) OpenSAFELY', log());
        assert.match(calls.statusItems[0].tooltip, /running on Java \d+/);

        // The Problems panel lists the study's files without anyone opening them (the server's own
        // collection), each code linking to its rule in docs/rules.md.
        const server = await calls.collection('opensafely').catch(e => { throw new Error(e.message + '\n' + log()); });
        const found = await server.waitFor(path.join(study, 'project.yaml'));
        assert.deepEqual(found.map(d => [d.code.value, d.code.target.toString(), d.severity, d.range.start, d.range.end, d.source]), [
            ['unknown-top-level-key', 'https://github.com/opensafely-lsp/opensafely-lsp/blob/main/docs/rules.md#unknown-top-level-key',
                0, { line: 7, character: 0 }, { line: 7, character: 11 }, 'opensafely-lsp'],
        ]);

        // Check Whole Workspace sums up; with the server running it adds no second copy of each problem.
        const run = (id) => calls.commands.find(c => c.id === id).fn();
        await run('opensafely.checkWorkspace');
        const problems = calls.collections.find(c => c.name === 'opensafely-check');
        assert.deepEqual([...problems.entries.keys()], []);
        assert.deepEqual(calls.infos, ['OpenSAFELY: study: 2 file(s) checked: 1 error(s), 0 warning(s)']);

        await run('opensafely.restartServer');
        assert.equal(calls.statusItems[0].text, '$(check) OpenSAFELY', log());
        assert.equal(calls.outputLines.filter(l => l.includes('Starting ')).length, 2, log());

        await run('opensafely.showVersion');
        assert.match(calls.infos[1], /^opensafely-lsp \d+\.\d+\.\d+.* \(Java \d+, .*java.*\)$/);
        assert.deepEqual(calls.errors, [], log());
    } finally {
        await ext.deactivate();
        restore();
        fs.rmSync(installed, { recursive: true, force: true });
        fs.rmSync(study, { recursive: true, force: true });
    }
});

test('Download Codelists and Generate Dummy Data: the server does the work in the study', { timeout: 60000 }, async () => {
    const jar = path.resolve(process.env.OPENSAFELY_LSP_JAR ?? path.join(extensionDir, '..', 'server', 'target', 'opensafely-lsp.jar'));
    assert.ok(fs.existsSync(jar), `The server jar ${jar} is not built`);
    const installed = fs.mkdtempSync(path.join(os.tmpdir(), 'ext-'));
    fs.mkdirSync(path.join(installed, 'server'));
    fs.copyFileSync(jar, path.join(installed, 'server', 'opensafely-lsp.jar'));
    const study = fs.mkdtempSync(path.join(os.tmpdir(), 'study-'));
    fs.writeFileSync(path.join(study, 'project.yaml'), 'version: "5.0"\nactions: {}\n');
    fs.mkdirSync(path.join(study, 'codelists'));
    fs.writeFileSync(path.join(study, 'codelists', 'codelists.txt'), 'opensafely/asthma-diagnosis/2020-04-15\n');
    // OpenCodelists on loopback: one codelist.
    const requests = [];
    const server = http.createServer((req, res) => {
        requests.push(req.url);
        if (req.url === '/codelist/opensafely/asthma-diagnosis/2020-04-15/download.csv') {
            res.writeHead(200, { 'Content-Type': 'text/csv' });
            res.end('code,term\nXa1,Asthma\n');
        } else {
            res.writeHead(404, { 'Content-Type': 'text/html' });
            res.end('not found');
        }
    });
    await new Promise(resolve => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${server.address().port}`;

    const { vscode, calls } = createVscodeStub({ 'opensafely.opencodelists.url': url });
    vscode.workspace.workspaceFolders = [{ uri: vscode.Uri.file(study), name: 'study', index: 0 }];
    vscode.workspace.findFiles = async () => [{ fsPath: path.join(study, 'project.yaml') }];
    const { ext, restore } = loadFresh(vscode);
    try {
        await ext.activate(fakeContext(installed));
        const log = () => calls.outputLines.join('\n');
        assert.equal(calls.statusItems[0].text, '$(check) OpenSAFELY', log());
        await calls.commands.find(c => c.id === 'opensafely.updateCodelists').fn();
        assert.deepEqual(requests, ['/codelist/opensafely/asthma-diagnosis/2020-04-15/download.csv']);
        assert.equal(fs.readFileSync(path.join(study, 'codelists', 'opensafely-asthma-diagnosis.csv'), 'utf8'), 'code,term\nXa1,Asthma\n');
        assert.ok(fs.existsSync(path.join(study, 'codelists', 'codelists.json')));
        // The server's own message, shown by the client.
        for (let i = 0; i < 50 && !calls.infos.some(m => m.startsWith('Updated 1 codelist(s)')); i++) {
            await new Promise(resolve => setTimeout(resolve, 100));
        }
        assert.ok(calls.infos.some(m => m.startsWith('Updated 1 codelist(s)')), JSON.stringify(calls.infos) + log());

        // Dummy data for a study definition given as the command's argument (as the explorer's context menu does).
        const definition = path.join(study, 'analysis', 'study_definition.py');
        fs.mkdirSync(path.join(study, 'analysis'));
        fs.writeFileSync(definition, [
            'from cohortextractor import StudyDefinition, patients',
            'study = StudyDefinition(',
            '    default_expectations={"date": {"earliest": "2020-01-01", "latest": "today"}, "rate": "uniform", "incidence": 0.5},',
            '    population=patients.registered_as_of("2020-01-01"),',
            '    died=patients.died_from_any_cause(on_or_before="2020-01-01", returning="binary_flag"),',
            ')',
            '',
        ].join('\n'));
        await calls.commands.find(c => c.id === 'opensafely.generateDummyData').fn(
            { fsPath: definition, toString: () => `file://${definition}` });
        const csv = fs.readFileSync(path.join(study, 'output', 'input.csv'), 'utf8').trim().split('\n');
        assert.equal(csv[0], 'died,patient_id');
        assert.equal(csv.length, 1001, 'no population_size in this project.yaml: 1000 patients');
    } finally {
        await ext.deactivate();
        restore();
        server.close();
        fs.rmSync(installed, { recursive: true, force: true });
        fs.rmSync(study, { recursive: true, force: true });
    }
});
