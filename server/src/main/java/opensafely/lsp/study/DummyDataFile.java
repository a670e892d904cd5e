package opensafely.lsp.study;

import java.nio.file.Path;
import opensafely.lsp.pipeline.Project;
import opensafely.lsp.pipeline.ProjectOnDisk;
import opensafely.lsp.workspace.StudyFolder;
import opensafely.lsp.yaml.YamlMapping;
import opensafely.lsp.yaml.YamlScalar;

/**
 * Where and how dummy data is written, the same for the command line and the editor: the file
 * generate_cohort would write, the population project.yaml asks for; dummydata.TableFile writes the table.
 */
public final class DummyDataFile {
    public static final int DEFAULT_POPULATION = 1000;
    /** The seed when none is given, on the command line and in the editor: fixed, so a rerun makes the same file. */
    public static final long DEFAULT_SEED = 1;

    private DummyDataFile() {
    }

    /** output/input.csv, or output/input_x.csv for study_definition_x.py, in the study folder. */
    public static Path defaultOutput(Path definition, StudyFolder folder) {
        String stem = definition.getFileName().toString().replaceFirst("\\.py$", "");
        String suffix = stem.startsWith("study_definition") ? stem.substring("study_definition".length()) : "_" + stem;
        Path base = folder.root().orElse(definition.toAbsolutePath().getParent());
        return base.resolve("output").resolve("input" + suffix + ".csv");
    }

    /** project.yaml's expectations.population_size, else 1000 (what OpenSAFELY passes to generate_cohort). */
    public static int populationSize(StudyFolder folder) {
        return ProjectOnDisk.read(folder).map(DummyDataFile::populationSize).orElse(DEFAULT_POPULATION);
    }

    /** The same, from a project already parsed. */
    public static int populationSize(Project project) {
        if (project.root() != null && project.root().get("expectations").orElse(null) instanceof YamlMapping ex
                && ex.get("population_size").orElse(null) instanceof YamlScalar s && s.value().matches("\\d{1,9}")) {
            return Math.max(1, Integer.parseInt(s.value()));
        }
        return DEFAULT_POPULATION;
    }
}
