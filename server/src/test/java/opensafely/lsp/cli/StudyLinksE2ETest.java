package opensafely.lsp.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pull request can carry symbolic links: `check`, run by CI on such a study with secrets in its environment,
 * must report the links and never print what they point at, in any report format. The real jar in its own
 * process, so /proc/self/environ is the environment of the process that writes the report.
 */
class StudyLinksE2ETest {
    private static final String SECRET = "ghp_s3cr3tT0kenThatMustNeverLeak42";

    @TempDir
    Path tmp;

    private record Run(int exit, String out, String err) {
    }

    private Run run(Path cwd, String... args) throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("server.jar", "target/opensafely-lsp.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "server jar not built: " + jar);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(jar.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile())
                .redirectOutput(tmp.resolve("out.txt").toFile())
                .redirectError(tmp.resolve("err.txt").toFile());
        Map<String, String> env = pb.environment();
        env.remove("GITHUB_STEP_SUMMARY");
        env.put("CI_DEPLOY_TOKEN", SECRET);
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "check did not finish");
        return new Run(p.exitValue(), Files.readString(tmp.resolve("out.txt"), UTF_8), Files.readString(tmp.resolve("err.txt"), UTF_8));
    }

    @Test
    void linksOutOfTheStudyAreReportedAndNeverRead() throws Exception {
        Path environ = Path.of("/proc/self/environ");
        Path passwd = Path.of("/etc/passwd");
        Assumptions.assumeTrue(Files.isReadable(environ) && Files.isReadable(passwd), "needs Linux's /proc and /etc/passwd");
        String passwdFirstLine = Files.readAllLines(passwd).get(0);

        Path study = tmp.resolve("study");
        Files.createDirectories(study.resolve("analysis"));
        Files.createDirectories(study.resolve("codelists"));
        Files.writeString(study.resolve("project.yaml"), """
                version: '3.0'
                expectations:
                  population_size: 1000
                actions:
                  generate_cohort:
                    run: cohortextractor:latest generate_cohort --study-definition study_definition
                    outputs:
                      highly_sensitive:
                        cohort: output/input.csv
                  generate_dataset:
                    run: ehrql:v1 generate-dataset analysis/dataset_definition.py --output output/dataset.csv.gz
                    outputs:
                      highly_sensitive:
                        dataset: output/dataset.csv.gz
                """);
        Files.writeString(study.resolve("analysis/dataset_definition.py"), """
                from ehrql import codelist_from_csv, create_dataset
                from ehrql.tables.core import clinical_events, patients
                from helpers import *

                env_codes = codelist_from_csv("codelists/env.csv", column="code")
                passwd_codes = codelist_from_csv("codelists/passwd.csv", column="code")

                dataset = create_dataset()
                dataset.define_population(patients.exists_for_patient())
                dataset.a = clinical_events.where(clinical_events.snomedct_code.is_in(env_codes)).exists_for_patient()
                dataset.b = clinical_events.where(clinical_events.snomedct_code.is_in(passwd_codes)).exists_for_patient()
                """);
        Files.writeString(study.resolve("analysis/study_definition.py"), """
                from cohortextractor import StudyDefinition, patients, codelist_from_csv
                from helpers import *

                env_codes = codelist_from_csv("codelists/env.csv", system="ctv3", column="code")
                passwd_codes = codelist_from_csv("codelists/passwd.csv", system="ctv3", column="code")

                study = StudyDefinition(
                    default_expectations={"date": {"earliest": "1900-01-01", "latest": "today"}, "rate": "uniform", "incidence": 0.5},
                    index_date="2020-01-01",
                    population=patients.registered_as_of("index_date"),
                    a=patients.with_these_clinical_events(env_codes, on_or_before="index_date"),
                    b=patients.with_these_clinical_events(passwd_codes, on_or_before="index_date"),
                )
                """);
        Files.createSymbolicLink(study.resolve("codelists/env.csv"), environ);
        Files.createSymbolicLink(study.resolve("codelists/passwd.csv"), passwd);
        Files.createSymbolicLink(study.resolve("analysis/helpers.py"), environ);
        Files.createSymbolicLink(study.resolve("analysis/notes.py"), passwd);

        for (String format : List.of("text", "json", "github", "sarif")) {
            Run r = run(study, "check", "--format", format, "--fail-on", "never");
            String all = r.out() + r.err();
            assertEquals(0, r.exit(), format + ": " + r.err());
            assertFalse(all.contains(SECRET), format + " report shows the environment:\n" + all);
            assertFalse(all.contains("CI_DEPLOY_TOKEN"), format + " report shows the environment:\n" + all);
            assertFalse(all.contains(passwdFirstLine), format + " report shows /etc/passwd:\n" + all);
            assertFalse(all.contains("root:"), format + " report shows /etc/passwd:\n" + all);
            assertTrue(all.contains("file-outside-study"), format + " report does not name the links:\n" + all);
            if (format.equals("json")) {
                // Each link is reported where it is named: two codelists and an import in each definition, the linked file.
                int count = all.split("\"file-outside-study\"", -1).length - 1;
                assertTrue(count >= 7, "expected seven reports of the links:\n" + all);
            }
        }
    }
}
