package opensafely.lsp.cli;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import opensafely.lsp.dummydata.OutputFormat;
import opensafely.lsp.ehrql.DatasetDefinitionService;
import opensafely.lsp.ehrql.DummyDataOutput;
import opensafely.lsp.ehrql.DummyDatasetSpec;
import opensafely.lsp.workspace.Document;
import opensafely.lsp.workspace.OutputFile;

/**
 * `dummy-data` for an ehrQL dataset or measures definition: the table from the static model
 * ({@link DummyDataOutput}), streamed to the file that project.yaml's `generate-dataset` (`generate-measures`)
 * action for the definition writes, else output/dataset.csv.gz (output/measures.csv), atomically. The default
 * seed is fixed, so reruns give the same file on the same day.
 */
final class EhrqlDummyData {
    private EhrqlDummyData() {
    }

    /** Whether this command handles the document: an ehrQL dataset or measures definition. */
    static boolean handles(Document doc) {
        return DatasetDefinitionService.isDatasetDefinition(doc);
    }

    static int run(Document doc, String shown, Path cwd, Integer population, String output, Long seed, Clock clock, OutputStream stdout, PrintStream err) {
        DummyDatasetSpec.Result r = DummyDataOutput.spec(doc, population, seed != null ? seed : DummyDataOutput.DEFAULT_SEED, LocalDate.now(clock));
        if (!r.ok()) {
            err.println("No dummy data for " + shown + ": " + r.problem());
            return 1;
        }
        Path target = output != null ? cwd.resolve(output) : DummyDataOutput.defaultOutput(doc);
        String name = target.getFileName().toString();
        if (!OutputFile.isStdout(output) && OutputFormat.of(name, OutputFormat.Language.EHRQL).isEmpty()) {
            err.println(DummyDataCommand.PREFIX + "--output " + OutputFormat.unsupported(name, OutputFormat.Language.EHRQL));
            return 2;
        }
        return DummyDataCommand.write(r.spec(), OutputFormat.Language.EHRQL, output, target, DummyDataOutput.what(doc), stdout, err);
    }
}
