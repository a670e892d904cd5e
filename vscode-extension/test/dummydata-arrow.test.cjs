// An independent reader for the dummy data the server writes: the real jar's `dummy-data` makes a .feather
// file (Feather v2 = Arrow IPC file) for a small study definition, and apache-arrow (JavaScript, not the Java
// library that wrote it) reads it back: row count, column names and types.
// The jar: $OPENSAFELY_LSP_JAR, else ../server/target/opensafely-lsp.jar (build it with Maven first).
'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const { execFile } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const arrow = require('apache-arrow');
const core = require('../dist/core.js');

const jar = path.resolve(process.env.OPENSAFELY_LSP_JAR ?? path.join(__dirname, '..', '..', 'server', 'target', 'opensafely-lsp.jar'));

const STUDY = `from cohortextractor import StudyDefinition, patients

study = StudyDefinition(
    default_expectations={"date": {"earliest": "2019-01-01", "latest": "2021-01-01"}, "rate": "uniform", "incidence": 0.5},
    index_date="2020-01-01",
    population=patients.registered_as_of("index_date"),
    died=patients.died_from_any_cause(on_or_before="index_date", returning="binary_flag"),
    died_date=patients.died_from_any_cause(on_or_before="index_date", returning="date_of_death", date_format="YYYY-MM-DD"),
    age=patients.age_as_of("index_date", return_expectations={"rate": "universal", "int": {"distribution": "population_ages"}}),
    sex=patients.sex(return_expectations={"rate": "universal", "category": {"ratios": {"M": 0.49, "F": 0.51}}}),
    bmi=patients.most_recent_bmi(on_or_before="index_date",
        return_expectations={"float": {"distribution": "normal", "mean": 28, "stddev": 4}, "incidence": 0.6}),
)
`;

function run(java, args, cwd) {
    return new Promise(resolve => {
        execFile(java, args, { cwd }, (error, stdout, stderr) => resolve({ code: error ? error.code : 0, stdout, stderr }));
    });
}

test('dummy-data writes a .feather file that apache-arrow reads with the columns and types cohort-extractor has', async () => {
    assert.ok(fs.existsSync(jar), `The server jar ${jar} is not built: run "mvn -B -q -DskipTests package" at the repository root first.`);
    const found = await core.findJava(core.javaCandidates(undefined, process.env, process.platform), core.nodeJavaProbe);
    assert.ok(found.ok, 'no Java 17+ found to run the server');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dummy-arrow-'));
    try {
        fs.mkdirSync(path.join(dir, 'analysis'));
        fs.writeFileSync(path.join(dir, 'analysis', 'study_definition.py'), STUDY);
        // -jar, no --add-opens: the jar's manifest opens what Arrow's memory needs.
        const r = await run(found.java.executable, ['-jar', jar, 'dummy-data', 'analysis/study_definition.py',
            '--population', '20000', '--output', 'x.feather'], dir);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stderr, /Wrote 20000 dummy patients/);

        const table = arrow.tableFromIPC(fs.readFileSync(path.join(dir, 'x.feather')));
        assert.equal(table.numRows, 20000);
        assert.ok(table.batches.length > 1, 'written in record batches');
        const fields = Object.fromEntries(table.schema.fields.map(f => [f.name, f.type]));
        assert.deepEqual(table.schema.fields.map(f => f.name), ['died_date', 'died', 'age', 'sex', 'bmi', 'patient_id']);
        assert.ok(arrow.DataType.isTimestamp(fields.died_date), `died_date: ${fields.died_date}`);
        assert.ok(arrow.DataType.isBool(fields.died), `died: ${fields.died}`);
        assert.ok(arrow.DataType.isInt(fields.age) && fields.age.bitWidth === 64, `age: ${fields.age}`);
        assert.ok(arrow.DataType.isDictionary(fields.sex) && arrow.DataType.isUtf8(fields.sex.dictionary), `sex: ${fields.sex}`);
        assert.ok(arrow.DataType.isFloat(fields.bmi), `bmi: ${fields.bmi}`);

        const died = table.getChild('died').toArray();
        assert.equal(died.filter(Boolean).length, 10000, 'incidence 0.5, exactly');
        assert.deepEqual(new Set(table.getChild('sex').toArray()), new Set(['M', 'F']));
        const ids = table.getChild('patient_id').toArray();
        assert.equal(new Set(ids.map(String)).size, 20000, 'distinct patient ids');
        assert.ok(ids.every(i => i >= 0n && i < 200000n), 'ids in [0, 10N)');
        const dates = table.getChild('died_date').toArray().filter(d => d !== null);
        assert.ok(dates.length > 0);
    } finally {
        fs.rmSync(dir, { recursive: true, force: true });
    }
});
