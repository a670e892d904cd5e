package opensafely.lsp.grammar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A 1,500-line study definition in the usual style parses without a syntax error. */
class LargeFileParseTest {

    /** A study definition in the usual style: many keyword arguments with nested dicts. */
    static String largeStudyDefinition(int targetLines) {
        StringBuilder sb = new StringBuilder("""
            from cohortextractor import StudyDefinition, patients, codelist_from_csv
            from codelists import *

            study = StudyDefinition(
                index_date="2021-01-01",
                population=patients.satisfying("registered AND NOT died"),
            """);
        int i = 0;
        while (sb.chars().filter(c -> c == '\n').count() < targetLines) {
            sb.append("""
                    variable_%1$d=patients.with_these_clinical_events(
                        codes_%1$d,
                        between=["index_date - %1$d days", f"index_date + {%1$d} days"],
                        returning="number_of_matches_in_period",
                        return_expectations={
                            "int": {"distribution": "normal", "mean": %1$d, "stddev": 1.5e-1},
                            "incidence": 0.5 if %1$d %% 2 else 0.25,
                        },
                    ),
                    category_%1$d=patients.categorised_as(
                        {"0": "DEFAULT", "1": "variable_%1$d > 2 AND age >= 18"},
                        return_expectations={"category": {"ratios": {"0": 0.5, "1": 0.5}}},
                        **{k: v for k, v in extra.items() if k.startswith("x")},
                    ),
                """.formatted(i++));
        }
        sb.append(")\n\nmeasures = [Measure(id=f\"m_{n}\", numerator=n, denominator=\"population\") for n in names]\n");
        return sb.toString();
    }

    /** Timings live in bench/ (bash bench/run.sh); here only that a large file parses, and the same way each time. */
    @Test
    void largeStudyDefinitionParsesWithoutErrors() {
        String source = largeStudyDefinition(1500);
        long lines = source.lines().count();
        assertTrue(lines >= 1500, "generated " + lines + " lines");
        for (int i = 0; i < 3; i++) {
            ParsedPython parsed = PythonSource.parse(source);
            assertEquals(0, parsed.errors().size(), () -> parsed.errors().toString());
        }
    }
}
