package opensafely.lsp.lsp;

/** The project.yaml of a cohort-extractor study whose one action runs analysis/study_definition.py. */
final class CohortProjects {
    private CohortProjects() {
    }

    static String withPopulation(int populationSize) {
        return """
                version: '3.0'
                expectations:
                  population_size: %d
                actions:
                  generate_cohort:
                    run: cohortextractor:latest generate_cohort --study-definition study_definition
                    outputs:
                      highly_sensitive:
                        cohort: output/input.csv
                """.formatted(populationSize);
    }
}
