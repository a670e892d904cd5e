package opensafely.lsp.scripts;

import static opensafely.lsp.DiagnosticAssertions.assertDiagnostics;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import opensafely.lsp.DiagnosticAssertions;
import opensafely.lsp.MarkedText;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.TextEdit;
import opensafely.lsp.features.StudyLanguageService;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.StudyFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The script rules, each on a marked fixture, through the dispatcher the editor and `check` use. */
class ScriptRulesTest {
    @TempDir
    Path study;

    private static final String DATASET = """
            from ehrql import create_dataset
            from ehrql.tables.core import patients

            dataset = create_dataset()
            dataset.define_population(patients.date_of_birth.is_not_null())
            dataset.sex = patients.sex
            dataset.age_band = patients.sex
            """;

    private static final String PROJECT = """
            version: '4.0'
            actions:
              generate_dataset:
                run: ehrql:v1 generate-dataset analysis/dataset_definition.py --output output/dataset.csv.gz
                outputs:
                  highly_sensitive:
                    dataset: output/dataset.csv.gz
              report:
                run: python:v2 python analysis/report.py
                needs: [generate_dataset]
                outputs:
                  moderately_sensitive:
                    table: output/table.csv
                    figures: output/fig_*.png
            """;

    private List<Diagnostic> script(String project, MarkedText script) {
        DiagnosticAssertions.writeFiles(study, Map.of("project.yaml", project, "analysis/dataset_definition.py", DATASET,
                "analysis/report.py", script.text(), "analysis/config.json", "{}"));
        return new StudyLanguageService().diagnostics(new Document(study.resolve("analysis/report.py"), script.text(), 1, StudyFolder.at(study)));
    }

    private List<Diagnostic> projectYaml(String project, String script) {
        DiagnosticAssertions.writeFiles(study, Map.of("project.yaml", project, "analysis/dataset_definition.py", DATASET,
                "analysis/report.py", script));
        return new StudyLanguageService().diagnostics(new Document(study.resolve("project.yaml"), project, 1, StudyFolder.at(study)))
                .stream().filter(d -> d.code().startsWith("script-")).toList();
    }

    @Test
    void aReadOfAnOutputTheActionDoesNotNeedIsAnErrorInTheScript() {
        MarkedText m = MarkedText.parse("""
                import pandas as pd
                df = pd.read_csv(«"output/dataset.csv.gz"»)
                df.to_csv("output/table.csv")
                """);
        List<Diagnostic> found = script(PROJECT.replace("    needs: [generate_dataset]\n", ""), m);
        assertDiagnostics(found, m.ranges(), "script-missing-needs");
        assertTrue(found.get(0).message().contains("needs: [generate_dataset]"), found.get(0).message());
    }

    @Test
    void aPathBuiltInALoopGivesOneFindingAtItsPlace() {
        MarkedText m = MarkedText.parse("""
                import pandas as pd
                for name in ["a", "b", "c"]:
                    pd.read_csv(«f"output/input_{name}.csv"»)
                    pd.read_csv("output/dataset.csv.gz").to_csv(«f"output/extra_{name}.csv"»)
                """);
        assertDiagnostics(script(PROJECT, m), m.ranges(), "script-input-missing", "script-output-undeclared");
    }

    @Test
    void aNeedThroughAnotherActionIsEnough() {
        String project = PROJECT.replace("    needs: [generate_dataset]\n", "    needs: [middle]\n").replace("  report:\n", """
                  middle:
                    run: python:v2 python analysis/middle.py
                    needs: [generate_dataset]
                    outputs:
                      moderately_sensitive:
                        m: output/m.csv
                  report:
                """);
        MarkedText m = MarkedText.parse("import pandas as pd\npd.read_csv(\"output/dataset.csv.gz\").to_csv(\"output/table.csv\")\n");
        assertDiagnostics(script(project, m), m.ranges());
    }

    @Test
    void theMissingNeedIsAnErrorOnProjectYamlWithItsFix() {
        String project = PROJECT.replace("    needs: [generate_dataset]\n", "");
        MarkedText p = MarkedText.parse(project.replace("python analysis/report.py", "python «analysis/report.py»"));
        List<Diagnostic> found = projectYaml(p.text(), "import pandas as pd\npd.read_csv('output/dataset.csv.gz').to_csv('output/table.csv')\n"
                + "import matplotlib.pyplot as plt\nplt.savefig('output/fig_1.png')\n");
        assertDiagnostics(found, p.ranges(), "script-missing-needs");
        TextEdit edit = found.get(0).fixes().get(0).edits().get(0);
        assertEquals("    needs: [generate_dataset]\n", edit.newText());
        assertEquals(8, edit.range().start().line()); // above run:, the action's first key
    }

    @Test
    void aReadOfAFileNothingMakesIsAWarning() {
        MarkedText m = MarkedText.parse("""
                import json
                import os
                import pandas as pd
                df = pd.read_csv(«"output/input.csv"»)
                config = json.load(open("analysis/config.json"))
                if os.path.exists("output/optional.csv"):
                    extra = pd.read_csv("output/optional.csv")
                codes = pd.read_csv("codelists/opensafely-asthma.csv")
                df.to_csv("output/table.csv")
                """);
        assertDiagnostics(script(PROJECT, m), m.ranges(), "script-input-missing");
    }

    @Test
    void aWriteNoPatternKeepsIsAHint() {
        MarkedText m = MarkedText.parse("""
                import matplotlib.pyplot as plt
                import pandas as pd
                df = pd.read_csv("output/dataset.csv.gz")
                df.to_csv("output/table.csv")
                for name in ["age", "sex"]:
                    plt.savefig(f"output/fig_{name}.png")
                plt.savefig(«"output/summary.svg"»)
                df.to_csv(«"output/tmp/x.csv"»)
                """);
        List<Diagnostic> found = script(PROJECT, m);
        assertDiagnostics(found, m.ranges(), "script-output-undeclared", "script-output-undeclared");
    }

    @Test
    void aPatternNoWriteMatchesIsAWarningOnProjectYaml() {
        MarkedText p = MarkedText.parse(PROJECT.replace("table: output/table.csv", "table: «output/tables.csv»"));
        List<Diagnostic> found = projectYaml(p.text(), """
                import pandas as pd
                import matplotlib.pyplot as plt
                pd.read_csv("output/dataset.csv.gz").to_csv("output/table.csv")
                plt.savefig("output/fig_age.png")
                """);
        assertDiagnostics(found, p.ranges(), "script-output-never-written");
    }

    @Test
    void noPatternWarningWhenAWriteIsUnknown() {
        String project = PROJECT.replace("table: output/table.csv", "table: output/tables.csv");
        for (String script : List.of(
                "import pandas as pd\nimport sys\npd.read_csv('output/dataset.csv.gz').to_csv(sys.argv[1])\n",
                "from helpers import save_all\nsave_all()\n",
                "import pandas as pd\ndf = pd.read_csv('output/dataset.csv.gz'\n",
                "# placeholder: touches no file yet\n",
                "import pandas as pd\nprint(pd.DataFrame().to_string())\n")) {
            assertEquals(List.of(), projectYaml(project, script).stream().filter(d -> d.code().equals("script-output-never-written")).toList(), script);
        }
        // Arguments after the script may tell it what to write.
        String withArgs = PROJECT.replace("python analysis/report.py", "python analysis/report.py --out output/tables.csv");
        assertEquals(List.of(), projectYaml(withArgs, "x = 1\n").stream().filter(d -> d.code().equals("script-output-never-written")).toList());
    }

    @Test
    void aColumnTheDatasetDoesNotMakeIsAWarningWithDidYouMean() {
        MarkedText m = MarkedText.parse("""
                import pandas as pd
                df = pd.read_csv("output/dataset.csv.gz")
                df["sex"].value_counts()
                df.groupby("«age_bnd»").size().to_csv("output/table.csv")
                df[["patient_id", "«Sex»"]]
                """);
        List<Diagnostic> found = script(PROJECT, m);
        assertDiagnostics(found, m.ranges(), "script-unknown-column", "script-unknown-column");
        assertTrue(found.get(0).message().contains("Did you mean 'age_band'?"), found.get(0).message());
    }

    @Test
    void columnsOfACohortExtractorStudyIncludeTheDateOfMatch() {
        String project = """
                version: '3.0'
                expectations:
                  population_size: 100
                actions:
                  generate_cohort:
                    run: cohortextractor:latest generate_cohort --study-definition study_definition
                    outputs:
                      highly_sensitive:
                        cohort: output/input.csv
                  report:
                    run: python:v2 python analysis/report.py
                    needs: [generate_cohort]
                    outputs:
                      moderately_sensitive:
                        table: output/table.csv
                """;
        DiagnosticAssertions.writeFiles(study, Map.of("analysis/study_definition.py", """
                from cohortextractor import StudyDefinition, patients, codelist

                asthma = codelist(["123"], system="snomed")
                study = StudyDefinition(
                    default_expectations={"date": {"earliest": "2020-01-01", "latest": "today"}, "rate": "uniform", "incidence": 0.5},
                    population=patients.all(),
                    asthma=patients.with_these_clinical_events(asthma, returning="binary_flag", include_date_of_match=True),
                    sex=patients.sex(return_expectations={"category": {"ratios": {"F": 0.5, "M": 0.5}}, "incidence": 1}),
                )
                """));
        MarkedText m = MarkedText.parse("""
                import pandas as pd
                df = pd.read_csv("output/input.csv")
                df.groupby(["asthma", "asthma_date", "sex", "«population»"]).size().to_csv("output/table.csv")
                """);
        assertDiagnostics(script(project, m), m.ranges(), "script-unknown-column");
    }

    @Test
    void aScriptNoActionRunsGetsNothing() {
        MarkedText m = MarkedText.parse("import pandas as pd\npd.read_csv('output/nothing.csv')['x']\n");
        assertDiagnostics(script(PROJECT.replace("analysis/report.py", "analysis/other.py"), m), m.ranges());
    }

    private List<Diagnostic> otherScript(String name, String command, MarkedText script) {
        return otherScript(name, command, PROJECT, script);
    }

    private List<Diagnostic> otherScript(String name, String command, String base, MarkedText script) {
        String project = base.replace("run: python:v2 python analysis/report.py", "run: " + command + " analysis/" + name);
        DiagnosticAssertions.writeFiles(study, Map.of("project.yaml", project, "analysis/dataset_definition.py", DATASET,
                "analysis/" + name, script.text()));
        return new StudyLanguageService().diagnostics(new Document(study.resolve("analysis/" + name), script.text(), 1, StudyFolder.at(study)));
    }

    @Test
    void anRScriptGetsTheSameRules() {
        MarkedText m = MarkedText.parse("""
                library(readr)
                df <- read_csv(«"output/input.csv"»)
                ds <- read_csv("output/dataset.csv.gz")
                t <- table(ds$«age_group», ds$sex, ds$age)
                write_csv(as.data.frame(t), "output/table.csv")
                ggplot2::ggsave(«"output/other.png"»)
                """);
        assertDiagnostics(otherScript("report.R", "r:v2 Rscript", m), m.ranges(),
                "script-input-missing", "script-unknown-column", "script-output-undeclared");
    }

    @Test
    void aStataScriptGetsTheSameRulesAndItsAbbreviationsAreColumns() {
        MarkedText m = MarkedText.parse("""
                import delimited using "output/dataset.csv.gz", clear
                tab SEX age_b
                summarize «agegroup»
                export delimited using "output/table.csv", replace
                graph export «"output/other.png"», replace
                """);
        assertDiagnostics(otherScript("report.do", "stata-mp:latest", m), m.ranges(),
                "script-unknown-column", "script-output-undeclared");
    }

    /** A read that may not run (a branch for local testing, a try, a loop over unknown values) is no failure of the job. */
    @Test
    void readsThatMayNotRunSayNothingOfNeedsOrMissingFiles() {
        String noNeeds = PROJECT.replace("    needs: [generate_dataset]\n", "");
        MarkedText py = MarkedText.parse("""
                import sys
                import pandas as pd
                if len(sys.argv) > 5:
                    pd.read_csv("output/dataset.csv.gz")
                try:
                    pd.read_csv("output/not_made.csv")
                except FileNotFoundError:
                    pass
                for name in sys.argv:
                    pd.read_csv("output/also_not_made.csv")
                def unused():
                    pd.read_csv("output/dataset.csv.gz")
                def main():
                    pd.read_csv(«"output/dataset.csv.gz"»).to_csv("output/table.csv")
                if __name__ == "__main__":
                    main()
                """);
        assertDiagnostics(script(noNeeds, py), py.ranges(), "script-missing-needs");

        MarkedText r = MarkedText.parse("""
                args <- commandArgs(trailingOnly = TRUE)
                if (length(args) == 0) cohort <- "local" else cohort <- args[[1]]
                run <- function(name) readr::read_csv(paste0("output/input_", name, ".csv"))
                if (cohort == "both") {
                  run("a")
                } else {
                  run(cohort)
                }
                x <- try(read.csv("output/not_made.csv"))
                write.csv(readr::read_csv(«"output/dataset.csv.gz"»), "output/table.csv")
                """);
        assertDiagnostics(otherScript("report.R", "r:v2 Rscript", noNeeds, r), r.ranges(), "script-missing-needs");

        MarkedText stata = MarkedText.parse("""
                capture import delimited using "output/not_made.csv", clear
                if "`1'" == "local" {
                    import delimited using "output/dataset.csv.gz", clear
                }
                import delimited using «"output/dataset.csv.gz"», clear
                export delimited using "output/table.csv", replace
                """);
        assertDiagnostics(otherScript("report.do", "stata-mp:latest", noNeeds, stata), stata.ranges(), "script-missing-needs");
    }
}
