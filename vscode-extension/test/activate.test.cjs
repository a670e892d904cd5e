// The bundle loads and activates with a stubbed `vscode` module (no VS Code needed).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('fs');
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
            ['opensafely.checkWorkspace', 'opensafely.restartServer', 'opensafely.showOutput', 'opensafely.showVersion'],
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
