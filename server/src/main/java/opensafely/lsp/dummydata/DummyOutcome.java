package opensafely.lsp.dummydata;

import java.nio.file.Path;
import java.util.List;

/**
 * What making dummy data for one action came to: the files written and their rows, or the problems (one line
 * each, naming the column or the part of the definition at fault) and no file; notes are worth telling but not
 * failures (a column of a dummy data file that the definition does not have, and that is left out). {@code rows}
 * is -1 when the file was copied as it is (a cohort-extractor dummy_data_file), so its rows were not counted.
 */
public record DummyOutcome(List<Path> written, long rows, List<String> problems, List<String> notes) {
    public DummyOutcome {
        written = List.copyOf(written);
        problems = List.copyOf(problems);
        notes = List.copyOf(notes);
    }

    public static DummyOutcome wrote(Path file, long rows, List<String> notes) {
        return new DummyOutcome(List.of(file), rows, List.of(), notes);
    }

    public static DummyOutcome failed(List<String> problems) {
        return new DummyOutcome(List.of(), 0, problems, List.of());
    }

    public static DummyOutcome failed(String problem) {
        return failed(List.of(problem));
    }

    public boolean ok() {
        return problems.isEmpty();
    }

    /** The problems as one line (the first, and how many more), for a job's status. */
    public String problem() {
        if (problems.isEmpty()) return "";
        return problems.size() == 1 ? problems.get(0) : problems.get(0) + " (and " + (problems.size() - 1) + " more problems)";
    }
}
