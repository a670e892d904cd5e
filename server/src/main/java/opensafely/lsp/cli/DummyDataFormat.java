package opensafely.lsp.cli;

import opensafely.lsp.ehrql.DatasetDefinitionService;
import opensafely.lsp.workspace.Document;

/**
 * What `dummy-data` accepts and writes, and what it says about a file it cannot make data for.
 *
 * <p>It writes CSV, plain or gzipped, chosen by the file name: of cohort-extractor's output formats
 * ({@code --output-format csv, csv.gz, feather, dta, dta.gz}) those are the ones made here. Any other name
 * (say {@code x.parquet} or {@code x.feather}) is refused rather than given CSV under a misleading name.
 */
final class DummyDataFormat {
    static final String SUPPORTED = "dummy-data writes CSV; name a file ending in .csv or .csv.gz, or - for standard output";

    private DummyDataFormat() {
    }

    static boolean supported(String output) {
        // As cohort-extractor names them: lower case (the gzip is chosen by the same suffix when writing).
        return output.endsWith(".csv") || output.endsWith(".csv.gz");
    }

    /** A NUL byte: source code never has one. */
    static boolean binary(byte[] bytes) {
        for (byte b : bytes) {
            if (b == 0) return true;
        }
        return false;
    }

    /**
     * Why there is no dummy data for a file that is not a study definition, and what to run instead. ehrQL
     * makes its own dummy data when it runs a definition locally (shared/spec/tooling.md, `opensafely exec`).
     */
    static String notAStudyDefinition(String shown, Document doc) {
        String text = doc.text();
        if (DatasetDefinitionService.isDatasetDefinition(doc)) {
            if (text.contains("create_measures(")) {
                return shown + " is an ehrQL measures definition; dummy-data makes data for cohort-extractor study definitions"
                        + " only. ehrQL makes dummy measures itself: opensafely exec ehrql:v1 generate-measures " + shown
                        + " --output output/measures.csv";
            }
            return shown + " is an ehrQL dataset definition; dummy-data makes data for cohort-extractor study definitions"
                    + " only. ehrQL makes the dummy data itself: opensafely exec ehrql:v1 generate-dataset " + shown
                    + " --output output/dataset.csv";
        }
        return shown + " is not a cohort-extractor study definition (it has no StudyDefinition(...)); dummy-data makes data"
                + " for study definitions only.";
    }
}
