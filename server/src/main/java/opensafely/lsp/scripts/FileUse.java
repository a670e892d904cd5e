package opensafely.lsp.scripts;

import opensafely.lsp.text.Range;

/**
 * One file a script reads or writes, as far as its text says.
 *
 * @param access whether the script reads or writes it
 * @param path the path relative to the study folder (where jobs run), with {@code /} separators and no {@code ./};
 *     a {@code *} stands for a part the reader could not resolve (never a {@code /}), as in
 *     {@code output/measure_*.csv} for a name built from a value it does not know
 * @param range the range of the path expression in the script (the string literal, or the whole built expression)
 * @param call the function or command that reads or writes it, as written ({@code pd.read_csv}, {@code write_csv},
 *     {@code import delimited}), for messages
 * @param conditional the call may not run when the job runs: it lies in a branch of an {@code if}, a {@code try} or
 *     Stata's {@code capture}, or a loop over values the reader does not know. Rules that would say a job fails
 *     hold only for calls that surely run (a branch for local testing must not make a false error).
 */
public record FileUse(Access access, String path, Range range, String call, boolean conditional) {
    /** A call that surely runs. */
    public FileUse(Access access, String path, Range range, String call) {
        this(access, path, range, call, false);
    }

    public enum Access {
        READ,
        WRITE
    }

    /** True when every part of the path is known. */
    public boolean exact() {
        return path.indexOf('*') < 0;
    }
}
