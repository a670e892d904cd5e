// The extension's decisions, tested without VS Code: Java discovery, version parsing,
// which files the server is for, and reading `check --format json`.
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('path');
const core = require('../dist/core.js');

test('parseJavaVersion reads the major version of every version scheme', () => {
    const cases = [
        ['openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)', 17],
        ['java version "1.8.0_292"\nJava(TM) SE Runtime Environment', 8],
        ['openjdk version "11.0.2" 2019-01-15', 11],
        ['openjdk version "25-ea" 2025-09-16', 25],
        ['openjdk version "21" 2023-09-19', 21],
        ['Picked up JAVA_TOOL_OPTIONS: -Xmx1g\nopenjdk version "17.0.1" 2021-10-19', 17],
        ['openjdk 17.0.15 2025-04-15', 17], // `java --version` style
    ];
    for (const [output, major] of cases) assert.equal(core.parseJavaVersion(output), major, output);
    assert.equal(core.parseJavaVersion(''), undefined);
    assert.equal(core.parseJavaVersion('bash: java: command not found'), undefined);
});

test('javaCandidates: the setting first, then JAVA_HOME, then each PATH entry', () => {
    const c = core.javaCandidates('/opt/jdk21', { JAVA_HOME: '/usr/lib/jvm/jdk17', PATH: '/usr/local/bin:/usr/bin' }, 'linux');
    assert.deepEqual(c, [
        { source: 'setting', executable: path.join('/opt/jdk21', 'bin', 'java') },
        { source: 'JAVA_HOME', executable: path.join('/usr/lib/jvm/jdk17', 'bin', 'java') },
        { source: 'PATH', executable: path.join('/usr/local/bin', 'java') },
        { source: 'PATH', executable: path.join('/usr/bin', 'java') },
    ]);
    assert.deepEqual(core.javaCandidates('  ', { PATH: '' }, 'linux'), []);
    const win = core.javaCandidates(undefined, { Path: 'C:\\jdk\\bin' }, 'win32');
    assert.equal(win.length, 1);
    assert.match(win[0].executable, /java\.exe$/);
});

function fakeProbe(javas) {
    return {
        isExecutable: (file) => file in javas,
        versionOutput: async (file) => javas[file],
    };
}

test('findJava skips missing and too-old runtimes and says why', async () => {
    const candidates = [
        { source: 'setting', executable: '/missing/bin/java' },
        { source: 'JAVA_HOME', executable: '/jdk8/bin/java' },
        { source: 'PATH', executable: '/nope/java' },
        { source: 'PATH', executable: '/usr/bin/java' },
    ];
    const result = await core.findJava(candidates, fakeProbe({
        '/jdk8/bin/java': 'java version "1.8.0_292"',
        '/usr/bin/java': 'openjdk version "17.0.15" 2025-04-15',
    }));
    assert.equal(result.ok, true);
    assert.deepEqual(result.java, { executable: '/usr/bin/java', version: 17, source: 'PATH' });
    assert.deepEqual(core.describeRejections(result.rejected), [
        'setting: /missing/bin/java: not found',
        'JAVA_HOME: /jdk8/bin/java: Java 8 is too old',
    ]);
});

test('findJava prefers the setting over JAVA_HOME even when both work', async () => {
    const result = await core.findJava(
        [{ source: 'setting', executable: '/a/java' }, { source: 'JAVA_HOME', executable: '/b/java' }],
        fakeProbe({ '/a/java': 'openjdk version "21.0.1"', '/b/java': 'openjdk version "17.0.1"' }),
    );
    assert.equal(result.java.executable, '/a/java');
    assert.equal(result.java.version, 21);
});

test('findJava with no usable runtime gives the one install message', async () => {
    const result = await core.findJava(
        [{ source: 'JAVA_HOME', executable: '/broken/java' }, { source: 'PATH', executable: '/old/java' }],
        fakeProbe({ '/broken/java': undefined, '/old/java': 'openjdk version "11.0.2"' }),
    );
    assert.equal(result.ok, false);
    assert.equal(result.message, core.JAVA_MISSING_MESSAGE);
    assert.match(result.message, /Java 17 or newer/);
    assert.deepEqual(core.describeRejections(result.rejected), [
        'JAVA_HOME: /broken/java: could not run `java -version`',
        'PATH: /old/java: Java 11 is too old',
    ]);
});

test('the real probe finds the Java that runs these tests', async () => {
    const result = await core.findJava(core.javaCandidates(undefined, process.env, process.platform), core.nodeJavaProbe);
    assert.equal(result.ok, true, core.describeRejections(result.rejected).join('\n'));
    assert.ok(result.java.version >= 17);
});

test('the default JVM options are the ones package.json declares for opensafely.java.options', () => {
    const declared = require(path.join(__dirname, '..', 'package.json')).contributes.configuration.properties['opensafely.java.options'].default;
    assert.deepEqual([...core.DEFAULT_JVM_OPTIONS], declared);
});

test('every default in the README settings table is the one package.json declares', () => {
    const fs = require('fs');
    const properties = require(path.join(__dirname, '..', 'package.json')).contributes.configuration.properties;
    const readme = fs.readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
    const rows = [...readme.matchAll(/^\| `(opensafely\.[\w.]+)` \| `([^`]*)` \|/gm)];
    assert.deepEqual(rows.map(r => r[1]).sort(), Object.keys(properties).sort(), 'one README row per setting');
    for (const [, key, shown] of rows) {
        assert.deepEqual(JSON.parse(shown), properties[key].default, `README default of ${key}`);
    }
});

test('a bad opensafely.java.home that falls back to another Java is named in a warning', async () => {
    const candidates = [
        { source: 'setting', executable: '/opt/typo/bin/java' },
        { source: 'PATH', executable: '/usr/bin/java' },
    ];
    const result = await core.findJava(candidates, fakeProbe({ '/usr/bin/java': 'openjdk version "17.0.15" 2025-04-15' }));
    assert.equal(core.settingFallbackWarning(result),
        'OpenSAFELY: the Java of "opensafely.java.home" (/opt/typo/bin/java) cannot be used: not found. '
        + 'Using Java 17 from PATH instead: /usr/bin/java.');
    const good = await core.findJava(candidates.slice(1), fakeProbe({ '/usr/bin/java': 'openjdk version "17.0.15"' }));
    assert.equal(core.settingFallbackWarning(good), undefined, 'no setting, no warning');
});

test('Open Settings shows a machine-scoped setting on the Remote tab of a remote window', () => {
    assert.deepEqual(core.openSettingCommand('opensafely.java.home', undefined),
        { command: 'workbench.action.openSettings', args: [{ query: 'opensafely.java.home' }] });
    assert.deepEqual(core.openSettingCommand('opensafely.java.home', 'codespaces'),
        { command: 'workbench.action.openRemoteSettings', args: [{ query: 'opensafely.java.home' }] });
});

test('javaArgs puts JVM options before -jar and the command after the jar', () => {
    assert.deepEqual(core.javaArgs(['-Xmx512m', ' '], '/x/s.jar'), ['-Xmx512m', '-jar', '/x/s.jar']);
    assert.deepEqual(core.javaArgs([], 's.jar', ['check', '--format', 'json']), ['-jar', 's.jar', 'check', '--format', 'json']);
});

test('isStudyFile: project.yaml anywhere, Python only under analysis/', () => {
    assert.ok(core.isStudyFile('/home/r/study/project.yaml'));
    assert.ok(core.isStudyFile('/home/r/study/analysis/study_definition.py'));
    assert.ok(core.isStudyFile('C:\\study\\analysis\\measures\\measure_definition.py'));
    assert.ok(!core.isStudyFile('/home/r/study/setup.py'));
    assert.ok(!core.isStudyFile('/home/r/study/analysis/notes.md'));
    assert.ok(!core.isStudyFile('/home/r/study/other-project.yaml'));
});

test('isStudyFile and DOCUMENT_FILTERS: codelists.txt in a codelists folder', () => {
    assert.ok(core.isStudyFile('/home/r/study/codelists/codelists.txt'));
    assert.ok(core.isStudyFile('C:\\study\\codelists\\codelists.txt'));
    assert.ok(!core.isStudyFile('/home/r/study/codelists.txt'));
    assert.ok(!core.isStudyFile('/home/r/study/analysis/codelists.txt'));
    assert.ok(core.DOCUMENT_FILTERS.some(f => f.pattern === '**/codelists/codelists.txt' && f.scheme === 'file'));
});

test('isStudyFile and DOCUMENT_FILTERS: R and Stata scripts under analysis/', () => {
    assert.ok(core.isStudyFile('/home/r/study/analysis/model.R'));
    assert.ok(core.isStudyFile('/home/r/study/analysis/sub/clean.r'));
    assert.ok(core.isStudyFile('C:\\study\\analysis\\tabulate.do'));
    assert.ok(!core.isStudyFile('/home/r/study/lib/model.R'));
    assert.ok(!core.isStudyFile('/home/r/study/analysis/notes.Rmd'));
    assert.ok(core.DOCUMENT_FILTERS.some(f => f.pattern === '**/analysis/**/*.{R,r,do}' && f.scheme === 'file'));
});

test('isStudyFile and DOCUMENT_FILTERS: CSV files (outputs are checked when open)', () => {
    assert.ok(core.isStudyFile('/home/r/study/output/table.csv'));
    assert.ok(core.DOCUMENT_FILTERS.some(f => f.pattern === '**/*.csv' && f.scheme === 'file'));
});

test('parseServerVersion takes the first line', () => {
    assert.equal(core.parseServerVersion('opensafely-lsp 0.1.0\n'), 'opensafely-lsp 0.1.0');
    assert.equal(core.parseServerVersion(''), undefined);
});

const report = {
    tool: 'opensafely-lsp',
    version: '0.1.0',
    files: ['study/project.yaml', 'study/analysis/study_definition.py'],
    diagnostics: [{
        file: 'study/project.yaml',
        range: { start: { line: 12, character: 6 }, end: { line: 12, character: 20 } },
        severity: 'error',
        code: 'needs-unknown-action',
        message: "Action 'model' needs 'extract_cohrt'",
        source: 'opensafely-lsp',
    }],
};

test('check JSON: diagnostics grouped by absolute file, clean files get an empty list', () => {
    const parsed = core.parseCheckReport(JSON.stringify(report));
    const byFile = core.diagnosticsByFile(parsed, '/ws');
    assert.deepEqual([...byFile.keys()], [path.resolve('/ws/study/project.yaml'), path.resolve('/ws/study/analysis/study_definition.py')]);
    assert.equal(byFile.get(path.resolve('/ws/study/project.yaml'))[0].code, 'needs-unknown-action');
    assert.deepEqual(byFile.get(path.resolve('/ws/study/analysis/study_definition.py')), []);
    assert.equal(core.summarise(parsed), '2 file(s) checked: 1 error(s), 0 warning(s)');
});

test('check JSON: unreadable output is a CheckOutputError, not a crash', () => {
    assert.throws(() => core.parseCheckReport('Exception in thread "main"'), core.CheckOutputError);
    assert.throws(() => core.parseCheckReport('{"files": []}'), /diagnostics/);
});

test('studyFolderArgs: the folders holding project.yaml, relative to the workspace', () => {
    assert.deepEqual(
        core.studyFolderArgs('/ws', ['/ws/project.yaml', '/ws/b/project.yaml', '/ws/a/x/project.yaml', '/elsewhere/project.yaml']),
        ['.', 'a/x', 'b'],
    );
});
