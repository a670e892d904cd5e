package opensafely.lsp.pipeline;

import static opensafely.lsp.pipeline.Fixture.assertDiagnostics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Severity;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each rule from a fixture: the code and the exact range of every diagnostic. */
class PipelineRulesTest {
    private static final String OK_ACTION = """
              a:
                run: python:v2 python a.py
                outputs:
                  highly_sensitive:
                    x: output/a.csv
            """;

    @Nested
    class Yaml {
        @Test
        void syntaxErrorIsOneDiagnosticAtTheProblem() {
            List<Diagnostic> d = Fixture.analyse("version: 5\nactions: [\n", StudyFolder.none());
            assertEquals(1, d.size());
            assertEquals("yaml-syntax", d.get(0).code());
            assertEquals(2, d.get(0).range().start().line());
        }

        @Test
        void duplicateKeysAreReportedAtBothPlaces() {
            assertDiagnostics("version: 5\nactions:\n  «a»:\n    run: python:v2 python a.py\n    outputs: {highly_sensitive: {x: a.csv}}\n"
                    + "  «a»:\n    run: python:v2 python b.py\n    outputs: {highly_sensitive: {x: b.csv}}\n",
                    "yaml-duplicate-key", "yaml-duplicate-key");
        }

        @Test
        void tabsAreASyntaxError() {
            List<Diagnostic> d = Fixture.analyse("version: 5\nactions:\n\ta: {}\n", StudyFolder.none());
            assertEquals("yaml-syntax", d.get(0).code());
            assertTrue(d.get(0).message().contains("tab"), d.get(0).message());
        }

        @Test
        void secondDocumentIsReported() {
            List<Diagnostic> d = Fixture.analyse("version: 5\nactions: {}\n---\nversion: 4\n", StudyFolder.none());
            assertEquals(List.of("yaml-multiple-documents"), d.stream().map(Diagnostic::code).toList());
            assertEquals(2, d.get(0).range().start().line());
        }

        @Test
        void rootMustBeAMapping() {
            assertDiagnostics("«- a\n- b»\n", "yaml-not-mapping");
            assertDiagnostics("«»", "yaml-not-mapping");
        }

        @Test
        void nulCharacterIsADiagnosticNotACrash() {
            List<Diagnostic> d = Fixture.analyse("version: 5\nactions: {}\u0000\n", StudyFolder.none());
            assertEquals("yaml-syntax", d.get(0).code());
            assertEquals(1, d.get(0).range().start().line());
        }

        @Test
        void deepNestingIsADiagnosticNotACrash() {
            String deep = "version: 5\nactions: " + "[".repeat(5000) + "]".repeat(5000) + "\n";
            assertEquals("yaml-too-deep", Fixture.analyse(deep, StudyFolder.none()).get(0).code());
        }

        @Test
        void anchorsAndMergeKeysAreResolved() {
            assertDiagnostics("""
                    version: 5
                    actions:
                      a: &base
                        run: python:v2 python a.py
                        outputs:
                          highly_sensitive:
                            x: output/a.csv
                      b:
                        <<: *base
                        run: python:v2 python b.py
                        outputs: {highly_sensitive: {x: output/b.csv}}
                    """ + "    «bogus»: 1\n", "unknown-action-key");
        }

        @Test
        void customTagsMakeAValueOfTheWrongType() {
            assertDiagnostics("version: 5\nactions:\n  a:\n    run: «!foo x»\n    outputs: {highly_sensitive: {x: a.csv}}\n", "run-not-string");
        }

        @Test
        void yesIsAStringAsInYaml12() {
            assertDiagnostics("version: 5\nactions:\n  a:\n    run: python:v2 python a.py\n    needs: [«yes»]\n"
                    + "    outputs: {highly_sensitive: {x: a.csv}}\n", "needs-unknown-action");
        }

        @Test
        void positionsCountUtf16Units() {
            // The emoji is two UTF-16 units: the key after it starts at character 15, not 14.
            assertDiagnostics("version: 5\nactions:\n  a:\n    run: python:v2 python a.py\n    needs: [«\"😀\"», «bb»]\n"
                    + "    outputs: {highly_sensitive: {x: a.csv}}\n", "needs-unknown-action", "needs-unknown-action");
        }
    }

    @Nested
    class TopLevel {
        @Test
        void unknownKeyWithDidYouMeanFix() {
            List<Diagnostic> d = Fixture.analyse("version: 5\nactions: {}\nexpectatoins: {}\n", StudyFolder.none());
            assertEquals("unknown-top-level-key", d.get(0).code());
            Fix fix = d.get(0).fixes().get(0);
            assertEquals("expectations", fix.edits().get(0).newText());
        }

        @Test
        void actionAtTopLevelSaysToIndentIt() {
            assertDiagnostics("version: 5\nactions: {}\n«stray»:\n  run: python:v2 python a.py\n  outputs: {}\n", "unknown-top-level-key");
        }

        @Test
        void versionRules() {
            assertDiagnostics("«actions»: {}\n", "version-missing");
            assertDiagnostics("version: «v4»\nactions: {}\n", "version-not-number");
            assertDiagnostics("version: «6»\nactions: {}\n", "version-too-new");
            assertDiagnostics("version: «'4_0'»\nactions: {}\n", "version-too-new");
            assertDiagnostics("version: «4»\nactions: {}\n", "version-outdated");
            assertDiagnostics("version: \" 5 \"\nactions: {}\n");
            assertDiagnostics("version: «2001-12-14»\nactions: {}\n", "version-not-number");
        }

        @Test
        void actionsMustBeAMapping() {
            assertDiagnostics("version: 5\nactions: «[a]»\n", "actions-not-mapping");
            assertDiagnostics("version: 5\n«actions»:\n", "actions-not-mapping");
        }
    }

    @Nested
    class Actions {
        @Test
        void shape() {
            assertDiagnostics("version: 5\nactions:\n  «a»: 3\n", "action-not-mapping");
            assertDiagnostics("version: 5\nactions:\n  ««a»»:\n    needs: []\n", "action-missing-run", "action-missing-outputs");
            assertDiagnostics("version: 5\nactions:\n" + OK_ACTION + "    «neds»: []\n", "unknown-action-key");
        }

        @Test
        void types() {
            assertDiagnostics("version: 5\nactions:\n  a:\n    run: «[x]»\n    outputs: «[y]»\n    needs: «x»\n    config: «1»\n    dummy_data_file: «[]»\n",
                    "run-not-string", "outputs-not-mapping", "needs-not-list", "config-not-mapping", "dummy-data-file-not-string");
        }

        @Test
        void runAllIsReserved() {
            assertDiagnostics("version: 5\nactions:\n  «run_all»:\n    run: python:v2 python a.py\n    outputs: {highly_sensitive: {x: a.csv}}\n",
                    "reserved-action-name");
            List<Diagnostic> d = Fixture.analyse("version: 4\nactions:\n  run_all:\n    run: python:v2 python a.py\n    outputs: {highly_sensitive: {x: a.csv}}\n", StudyFolder.none());
            assertTrue(d.stream().anyMatch(x -> x.code().equals("reserved-action-name") && x.severity() == Severity.WARNING));
        }

        @Test
        void oddActionNamesAreWarnings() {
            assertDiagnostics("version: 5\nactions:\n  «my action»:\n    run: python:v2 python a.py\n    outputs: {highly_sensitive: {x: a.csv}}\n",
                    "action-name-style");
        }
    }

    @Nested
    class Outputs {
        private String with(String level, String path) {
            return "version: 5\nactions:\n  a:\n    run: python:v2 python a.py\n    outputs:\n      " + level + ":\n        x: " + path + "\n";
        }

        @Test
        void pathRules() {
            assertDiagnostics(with("highly_sensitive", "«a\\\\b.csv»"), "output-path-backslash");
            assertDiagnostics(with("highly_sensitive", "«out/**/x.csv»"), "output-path-wildcard");
            assertDiagnostics(with("highly_sensitive", "«out/x?.csv»"), "output-path-wildcard");
            assertDiagnostics(with("highly_sensitive", "«out/*»"), "output-path-no-extension");
            assertDiagnostics(with("highly_sensitive", "«out/foo.*»"), "output-path-no-extension");
            assertDiagnostics(with("moderately_sensitive", "«out/model.rds»"), "output-path-extension-not-allowed");
            assertDiagnostics(with("moderately_sensitive", "«out/x.CSV»"), "output-path-extension-not-allowed");
            assertDiagnostics(with("highly_sensitive", "«out//x.csv»"), "output-path-not-normal");
            assertDiagnostics(with("highly_sensitive", "«./x.csv»"), "output-path-not-normal");
            assertDiagnostics(with("highly_sensitive", "«metadata/x.csv»"), "output-path-metadata");
            assertDiagnostics(with("highly_sensitive", "«/abs/x.csv»"), "output-path-absolute");
            assertDiagnostics(with("highly_sensitive", "«c:/x.csv»"), "output-path-absolute");
            assertDiagnostics(with("highly_sensitive", "out*/x.arrow"));
            assertDiagnostics(with("moderately_sensitive", "out/.hidden.csv"));
        }

        @Test
        void levels() {
            assertDiagnostics("version: 5\nactions:\n  a:\n    run: python:v2 python a.py\n    «outputs»: {«test»: {x: a.csv}}\n",
                    "outputs-no-privacy-level", "unknown-outputs-key");
            assertDiagnostics("version: 5\nactions:\n  a:\n    run: python:v2 python a.py\n    outputs: {highly_sensitive: «[a.csv]»}\n",
                    "privacy-level-not-mapping");
            assertDiagnostics("version: 5\nactions:\n  a:\n    run: python:v2 python a.py\n    outputs: {highly_sensitive: {x: «1»}}\n",
                    "output-not-string");
        }

        @Test
        void pathsMustBeUniqueFromVersion2() {
            assertDiagnostics("version: 5\nactions:\n" + OK_ACTION
                    + "  b:\n    run: python:v2 python b.py\n    outputs: {highly_sensitive: {x: «output/a.csv»}}\n", "output-path-not-unique");
            assertDiagnostics("version: «1»\nactions:\n" + OK_ACTION
                    + "  b:\n    run: python:v2 python b.py\n    outputs: {highly_sensitive: {x: output/a.csv}}\n", "version-outdated");
        }
    }

    @Nested
    class Run {
        private String run(String version, String run) {
            return "version: " + version + "\nactions:\n  a:\n    run: " + run + "\n    outputs: {highly_sensitive: {x: output/a.csv}}\n";
        }

        @Test
        void imageAndTag() {
            assertDiagnostics(run("5", "«python» python a.py"), "image-version-invalid");
            assertDiagnostics(run("5", "«python:V1» python a.py"), "image-version-invalid");
            assertDiagnostics(run("5", "python:v1.2-pre python a.py"));
            assertDiagnostics(run("5", "«''»"), "run-empty");
            assertDiagnostics(run("5", "«'   '»"), "run-empty");
            assertDiagnostics(run("5", "python:v2 python «'a.py»"), "run-unbalanced-quotes");
        }

        @Test
        void latestTag() {
            List<Diagnostic> d = Fixture.analyse(run("5", "python:latest python a.py"), StudyFolder.none());
            assertEquals("latest-tag-unsupported", d.get(0).code());
            assertEquals("python:latest".length() - "latest".length() + "    run: ".length(), d.get(0).fixes().get(0).edits().get(0).range().start().character());
            assertEquals("v2", d.get(0).fixes().get(0).edits().get(0).newText(), "first, the current version the examples use");
            assertEquals("v1", d.get(0).fixes().get(1).edits().get(0).newText(), "then what :latest runs today");
            assertTrue(d.get(0).message().contains("`python:v2`") && d.get(0).message().contains("runs v1 today"), d.get(0).message());
            List<Diagnostic> ehrql = Fixture.analyse(run("5", "ehrql:latest generate-dataset a.py --output output/a.csv"), StudyFolder.none());
            assertEquals(List.of("v1"), ehrql.get(0).fixes().stream().map(f -> f.edits().get(0).newText()).toList(), "one fix where they agree");
            assertDiagnostics("«version»: «3»\nactions:\n  a:\n    run: «python:latest» python a.py\n    outputs: {highly_sensitive: {x: output/a.csv}}\n",
                    "expectations-missing", "version-outdated", "latest-tag");
        }

        @Test
        void cohortExtractorRemovedFromVersion4() {
            assertDiagnostics("version: «4»\nactions:\n  a:\n    run: «cohortextractor:v1» generate_cohort\n    outputs: {highly_sensitive: {x: output/a.csv}}\n",
                    "version-outdated", "cohortextractor-unsupported");
        }

        @Test
        void duplicateRunCommand() {
            assertDiagnostics("version: 5\nactions:\n" + OK_ACTION
                    + "  b:\n    run: «python:v2 python a.py»\n    outputs: {highly_sensitive: {x: output/b.csv}}\n", "duplicate-run-command");
        }
    }

    @Nested
    class Needs {
        private static final String B = "  b:\n    run: python:v2 python b.py\n    outputs: {highly_sensitive: {x: output/b.csv}}\n";

        @Test
        void unknownActionWithFix() {
            String text = "version: 5\nactions:\n" + OK_ACTION + "    needs: [«bb»]\n" + B;
            assertDiagnostics(text, "needs-unknown-action");
            Diagnostic d = Fixture.analyse(Fixture.of(text).text, StudyFolder.none()).get(0);
            assertTrue(d.message().contains("Did you mean 'b'?"), d.message());
            assertEquals("b", d.fixes().get(0).edits().get(0).newText());
        }

        @Test
        void commasSelfCycleAndRepeats() {
            assertDiagnostics("version: 5\nactions:\n" + OK_ACTION + "    needs: [«a b»]\n" + B, "needs-comma-separated");
            assertDiagnostics("version: 5\nactions:\n" + OK_ACTION + "    needs: [«a»]\n", "needs-self");
            assertDiagnostics("version: 5\nactions:\n" + OK_ACTION + "    needs: [«1»]\n", "needs-not-string");
            assertDiagnostics("version: 5\nactions:\n" + OK_ACTION + "    needs: [b, «b»]\n" + B, "needs-duplicate");
            assertDiagnostics("version: 5\nactions:\n" + OK_ACTION + "    needs: [«b»]\n" + B + "    needs: [«a»]\n",
                    "needs-cycle", "needs-cycle");
        }

        @Test
        void cycleMessageSpellsOutThePath() {
            String text = "version: 5\nactions:\n" + OK_ACTION + "    needs: [b]\n" + B + "    needs: [c]\n"
                    + "  c:\n    run: python:v2 python c.py\n    needs: [a]\n    outputs: {highly_sensitive: {x: output/c.csv}}\n";
            List<Diagnostic> d = Fixture.analyse(text, StudyFolder.none());
            assertEquals(3, d.size());
            assertEquals("Dependency cycle: a -> b -> c -> a. OpenSAFELY cannot schedule actions that need each other.", d.get(0).message());
        }

        @Test
        void aLongCycleIsNamedByItsEnds() {
            int n = 2000;
            StringBuilder text = new StringBuilder("version: 5\nactions:\n");
            for (int i = 0; i < n; i++) {
                text.append("  a").append(i).append(":\n    run: python:v2 python a").append(i).append(".py\n    needs: [a")
                        .append((i + 1) % n).append("]\n    outputs: {highly_sensitive: {x: output/a").append(i).append(".csv}}\n");
            }
            List<Diagnostic> d = Fixture.analyse(text.toString(), StudyFolder.none()).stream()
                    .filter(x -> x.code().equals("needs-cycle")).toList();
            assertEquals(n, d.size());
            assertEquals("Dependency cycle: a0 -> a1 -> a2 -> a3 -> a4 -> … 1,994 more … -> a1999 -> a0."
                    + " OpenSAFELY cannot schedule actions that need each other.", d.get(0).message());
            assertTrue(d.stream().allMatch(x -> x.message().length() < 200), "every message stays short");
        }
    }

    @Test
    void cycleThroughAnActionThatAlsoNeedsAnotherIsReported() {
        assertDiagnostics("version: 5\nactions:\n" + OK_ACTION
                + "  b:\n    run: python:v2 python b.py\n    needs: [a, «c»]\n    outputs: {highly_sensitive: {x: output/b.csv}}\n"
                + "  c:\n    run: python:v2 python c.py\n    needs: [«b»]\n    outputs: {highly_sensitive: {x: output/c.csv}}\n",
                "needs-cycle", "needs-cycle");
    }

    @Nested
    class Commands {
        @Test
        void generateDataset() {
            assertDiagnostics("version: 5\nactions:\n  d:\n    run: ehrql:v1 «generate-dataset» analysis/d.py\n    outputs: {highly_sensitive: {x: output/d.csv}}\n",
                    "generate-dataset-missing-output");
            assertDiagnostics("version: 5\nactions:\n  d:\n    run: ehrql:v1 generate-dataset analysis/d.py --output «output/e.csv»\n    outputs: {highly_sensitive: {x: output/d.csv}}\n",
                    "generate-dataset-output-mismatch");
            assertDiagnostics("version: 5\nactions:\n  d:\n    run: ehrql:v1 generate-dataset analysis/d.py --output output/d.csv\n    outputs: {highly_sensitive: {x: output/d.csv}, «moderately_sensitive»: {y: output/y.csv}}\n",
                    "generate-dataset-output-level");
            assertDiagnostics("version: 5\nactions:\n  d:\n    run: ehrql:v1 generate-dataset analysis/d.py --output outputs:arrow\n    outputs: {highly_sensitive: {x: outputs/sub/x.arrow}}\n");
        }

        @Test
        void generateCohort() {
            assertDiagnostics("version: «3»\nexpectations: {population_size: 10}\nactions:\n  c:\n    run: cohortextractor:v1 generate_cohort\n    «outputs»: {highly_sensitive: {x: a/x.csv, y: b/y.csv}}\n",
                    "version-outdated", "generate-cohort-output-directories");
            assertDiagnostics("version: «3»\nexpectations: {population_size: 10}\nactions:\n  c:\n    run: cohortextractor:v1 generate_cohort\n    «outputs»: {highly_sensitive: {x: a/x.csv}, moderately_sensitive: {}}\n",
                    "version-outdated", "generate-cohort-output-count");
        }
    }

    @Nested
    class Expectations {
        @Test
        void version3RequiresThem() {
            assertDiagnostics("«version»: «3»\nactions: {}\n", "expectations-missing", "version-outdated");
            assertDiagnostics("version: «3»\nactions: {}\nexpectations: «[]»\n", "version-outdated", "expectations-not-mapping");
            assertDiagnostics("version: «3»\nactions: {}\n«expectations»: {«size»: 1}\n", "version-outdated", "expectations-missing-population-size", "unknown-expectations-key");
            assertDiagnostics("version: «3»\nactions: {}\nexpectations: {population_size: «ten»}\n", "version-outdated", "population-size-not-integer");
            assertDiagnostics("version: «3»\nactions: {}\nexpectations: {population_size: 10.7}\n", "version-outdated");
            assertDiagnostics("version: «3»\nactions: {}\nexpectations: {population_size: «.inf»}\n", "version-outdated", "population-size-not-integer");
        }

        @Test
        void missingPopulationSizeHasAFix() {
            String text = "version: 3\nactions: {}\nexpectations:\n  size: 1\n";
            Diagnostic d = Fixture.analyse(text, StudyFolder.none()).stream()
                    .filter(x -> x.code().equals("expectations-missing-population-size")).findFirst().orElseThrow();
            assertEquals("  population_size: 1000\n", d.fixes().get(0).edits().get(0).newText());
        }

        @Test
        void forbiddenFromVersion4() {
            assertDiagnostics("version: 5\nactions: {}\n«expectations»: {population_size: 1}\n", "expectations-unsupported");
        }
    }

    @Nested
    class Files {
        @TempDir
        Path dir;

        @Test
        void scriptsNamedInRunMustExist() throws IOException {
            java.nio.file.Files.createDirectories(dir.resolve("analysis"));
            java.nio.file.Files.writeString(dir.resolve("analysis/model.R"), "");
            java.nio.file.Files.writeString(dir.resolve("analysis/study_definition.py"), "");
            StudyFolder folder = StudyFolder.at(dir);
            String text = "version: 3\nexpectations: {population_size: 10}\nactions:\n"
                    + "  a:\n    run: r:v2 «analysis/modle.R»\n    outputs: {moderately_sensitive: {x: output/a.csv}}\n"
                    + "  b:\n    run: cohortextractor:latest generate_cohort --study-definition study_definition\n    outputs: {highly_sensitive: {x: output/input.csv}}\n"
                    + "  c:\n    run: cohortextractor:latest generate_cohort --study-definition «study_definition_2»\n    outputs: {highly_sensitive: {x: output/input_2.csv}}\n"
                    + "  d:\n    run: python:v2 python «analysis/missing.py»\n    outputs: {moderately_sensitive: {x: output/d.csv}}\n"
                    + "  e:\n    run: python:v2 python output/generated.py\n    needs: [f]\n    outputs: {moderately_sensitive: {x: output/e.csv}}\n"
                    + "  f:\n    run: python:v2 python «analysis/missing.py» --make\n    outputs: {highly_sensitive: {x: output/generated.py}}\n";
            Fixture f = Fixture.of(text);
            List<Diagnostic> d = Fixture.analyse(f.text, folder).stream().filter(x -> x.code().equals("run-file-missing")).toList();
            assertEquals(f.ranges, d.stream().map(Diagnostic::range).toList());
            assertEquals("analysis/model.R", d.get(0).fixes().get(0).edits().get(0).newText());
        }

        @Test
        void withoutAFolderNothingIsSaid() {
            assertDiagnostics("version: 5\nactions:\n  a:\n    run: python:v2 python a.py\n    outputs: {highly_sensitive: {x: output/a.csv}}\n");
        }
    }
}
