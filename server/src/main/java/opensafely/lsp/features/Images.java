package opensafely.lsp.features;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import opensafely.lsp.pipeline.ImageVersions;

/**
 * The images a {@code run:} line can start with, the versions worth offering, and the commands they
 * take. Which of them a file may use depends on its {@code version}: cohortextractor is gone from 4, and
 * the moving {@code latest} tag from 5.
 */
final class Images {

    /** A command of an image (the word after {@code image:tag}) and the options it understands. */
    record Command(String name, String doc, List<String> options) {
    }

    /**
     * One image.
     *
     * @param versions tags to offer, newest first (without {@code latest}): a runtime image's are
     *     {@link ImageVersions#tags}
     * @param legacy known for hover and checks, but never offered in completion
     * @param scriptExtensions the file types its scripts have, offered first in path completion
     */
    record Image(String name, String summary, List<String> versions, List<Command> commands, boolean legacy,
                 List<String> scriptExtensions) {

        Optional<Command> command(String word) {
            for (Command c : commands) {
                if (c.name().equals(word)) return Optional.of(c);
            }
            return Optional.empty();
        }

        boolean cohortExtractor() {
            return name.startsWith("cohortextractor");
        }
    }

    private static final List<String> EHRQL_OPTIONS = List.of("--output", "--dummy-data-file", "--dummy-tables", "--test-data-file");

    static final List<Image> ALL = List.of(
            new Image("ehrql", "ehrQL: runs a dataset or measures definition (a Python file) against the patient "
                    + "database on the secure server, and against dummy data locally.",
                    ImageVersions.tags("ehrql"),
                    List.of(new Command("generate-dataset", "Runs a dataset definition and writes one row per patient to "
                                    + "the `--output` file (csv, csv.gz, arrow, or a `dir:ext` folder of tables). "
                                    + "Every output must be `highly_sensitive`.", EHRQL_OPTIONS),
                            new Command("generate-measures", "Runs a measures definition and writes the measures table to "
                                    + "the `--output` file.", EHRQL_OPTIONS)),
                    false, List.of(".py")),
            new Image("python", "Python 3 with the OpenSAFELY scientific stack (pandas, numpy, matplotlib, statsmodels...). "
                    + "Usually `python:v2 python analysis/script.py`.",
                    ImageVersions.tags("python"), List.of(new Command("python", "The Python interpreter; give it a script path.", List.of())),
                    false, List.of(".py")),
            new Image("r", "R with the OpenSAFELY package set (tidyverse, survival...). Usually `r:v2 analysis/script.R`.",
                    ImageVersions.tags("r"), List.of(new Command("Rscript", "The R script runner; give it a script path.", List.of())),
                    false, List.of(".R", ".r")),
            new Image("stata-mp", "Stata/MP (the server provides the licence). Usually `stata-mp:v1 analysis/script.do`.",
                    ImageVersions.tags("stata-mp"), List.of(), false, List.of(".do")),
            new Image("jupyter", "Jupyter, to execute or convert notebooks, e.g. "
                    + "`jupyter:v1 jupyter nbconvert --execute --to html analysis/report.ipynb`.",
                    ImageVersions.tags("jupyter"), List.of(new Command("jupyter", "The Jupyter command line (nbconvert, ...).", List.of())),
                    false, List.of(".ipynb")),
            new Image("sqlrunner", "Runs a SQL query file directly against the database; always a database action. "
                    + "Usually `sqlrunner:v1 analysis/query.sql --output output/results.csv`.",
                    ImageVersions.tags("sqlrunner"), List.of(), false, List.of(".sql")),
            new Image("cohortextractor", "The retired cohort-extractor: runs a study definition (Python) against the "
                    + "database. Not allowed from project version 4; use `ehrql` instead.",
                    List.of(),
                    List.of(new Command("generate_cohort", "Runs a study definition (`--study-definition NAME` selects "
                                    + "`analysis/NAME.py`; default `study_definition`) and writes one row per patient.",
                                    List.of("--study-definition", "--output-dir", "--output-format", "--index-date-range", "--skip-existing")),
                            new Command("generate_measures", "Computes the measures of a study definition from the "
                                    + "extracted cohorts.", List.of("--study-definition", "--output-dir")),
                            new Command("generate_codelist_report", "Reports codelist usage counts (a database action).",
                                    List.of("--output-dir"))),
                    false, List.of(".py")),
            new Image("databuilder", "The early name of ehrQL. Still validated like ehrQL, but no longer a runtime "
                    + "image; use `ehrql:v1`.", List.of("v0"),
                    List.of(new Command("generate-dataset", "Runs a dataset definition (old name of ehrQL).", EHRQL_OPTIONS)),
                    true, List.of(".py")),
            new Image("cohortextractor-v2", "An experimental successor of cohort-extractor, replaced by ehrQL. "
                    + "Not allowed from project version 4.", List.of("v1"), List.of(), true, List.of(".py")));

    private Images() {
    }

    static Optional<Image> named(String name) {
        for (Image i : ALL) {
            if (i.name().equals(name)) return Optional.of(i);
        }
        return Optional.empty();
    }

    /** An {@code image:tag} a file of the given version may use, with a sort rank (lower first). */
    record Offer(Image image, String tag, int rank) {
        String label() {
            return image.name() + ":" + tag;
        }
    }

    /** Every image:tag worth offering for a project version. */
    static List<Offer> offers(double version) {
        boolean latestAllowed = !(version >= 5);
        boolean cohortExtractorAllowed = !(version >= 4);
        List<Offer> out = new ArrayList<>();
        int rank = 0;
        for (Image i : ALL) {
            if (i.legacy()) continue;
            if (i.cohortExtractor() && !cohortExtractorAllowed) continue;
            for (String v : i.versions()) out.add(new Offer(i, v, rank++));
            if (latestAllowed) out.add(new Offer(i, "latest", 100 + rank++));
        }
        return out;
    }

    /** What a tag of an image means, for hover and completion; advice names the image's current version. */
    static String tagMeaning(String image, String tag, double version) {
        String pin = "`" + image + ":" + ImageVersions.current(image).orElse("v1") + "`";
        if (tag == null) return "No tag: OpenSAFELY needs `image:vN`, e.g. " + pin + ".";
        if (tag.equals("latest")) {
            return version >= 5
                    ? "`latest` is a moving tag and is not allowed from project version 5; pin a version such as " + pin + "."
                    : "`latest` is a moving tag: the image can change under the study. Pinning a version such as " + pin
                            + " is safer, and version 5 requires it.";
        }
        if (tag.equals("dev")) return "`dev` is a development build, for testing images only.";
        if (tag.startsWith("v")) {
            return "`" + tag + "` is a major version: the image only gets compatible updates under this tag; "
                    + "a new major version is published when behaviour changes.";
        }
        return "`" + tag + "` is not a valid tag: use `vN` (e.g. `v2`).";
    }
}
