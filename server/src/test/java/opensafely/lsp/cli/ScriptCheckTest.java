package opensafely.lsp.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import opensafely.lsp.DiagnosticAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `check` on a study whose script reads an output its action does not need: what CI prints, and its exit code. */
class ScriptCheckTest {
    @TempDir
    Path study;

    @Test
    void checkReportsTheScriptFindingsAndFails() {
        DiagnosticAssertions.writeFiles(study, Map.of("project.yaml", """
                version: '4.0'
                actions:
                  generate_dataset:
                    run: ehrql:v1 generate-dataset analysis/dataset_definition.py --output output/dataset.csv.gz
                    outputs:
                      highly_sensitive:
                        dataset: output/dataset.csv.gz
                  report:
                    run: python:v2 python analysis/report.py
                    outputs:
                      moderately_sensitive:
                        table: output/tables.csv
                  model:
                    run: r:v2 Rscript analysis/model.R
                    outputs:
                      moderately_sensitive:
                        estimates: output/estimates.csv
                """, "analysis/dataset_definition.py", """
                from ehrql import create_dataset
                from ehrql.tables.core import patients

                dataset = create_dataset()
                dataset.define_population(patients.date_of_birth.is_not_null())
                dataset.sex = patients.sex
                """, "analysis/report.py", """
                import pandas as pd
                df = pd.read_csv("output/dataset.csv.gz")
                df.groupby("sexx").size().to_csv("output/table.csv")
                """, "analysis/model.R", "x <- 1\n"));
        CheckFixtures.Result r = CheckFixtures.check(study, study.toString());
        assertEquals(1, r.exit(), r.out() + r.err());
        String out = r.out();
        assertTrue(out.contains("project.yaml:9:27: error [script-missing-needs]"), out);
        assertTrue(out.contains("project.yaml:12:16: warning [script-output-never-written]"), out);
        assertTrue(out.contains("analysis/report.py:2:18: error [script-missing-needs]"), out);
        assertTrue(out.contains("analysis/report.py:3:13: warning [script-unknown-column] 'sexx' is not a column"), out);
        assertTrue(out.contains("analysis/report.py:3:34: hint [script-output-undeclared]"), out);
        // The R script is checked too, and its reader is not wired yet: nothing about its outputs.
        assertTrue(!out.contains("model.R") && !out.contains("estimates.csv"), out);
    }
}
