package opensafely.lsp.cli;

import opensafely.lsp.ehrql.DatasetDefinitionService;
import opensafely.lsp.workspace.Document;

/**
 * What `dummy-data` accepts, and what it says about a file it cannot make data for. The formats it writes are
 * dummydata.OutputFormat's (by the output's name; any other name is refused rather than given CSV under a
 * misleading name).
 */
final class DummyDataFormat {
    private DummyDataFormat() {
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
