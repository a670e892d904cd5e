package opensafely.lsp.workspace;

import java.nio.file.Path;

/** What a file in a study folder is, decided from its name and place. */
public enum DocumentKind {
    /** project.yaml (or project.yml). */
    PROJECT_YAML,
    /** Any Python file; whether it is a study or dataset definition is decided from its content. */
    PYTHON,
    /** An R script ({@code .R}): read for the files it reads and writes when project.yaml runs it. */
    R_SCRIPT,
    /** A Stata do-file ({@code .do}): read for the files it reads and writes when project.yaml runs it. */
    STATA_SCRIPT,
    /** codelists/codelists.txt: the codelists `opensafely codelists update` downloads. */
    CODELISTS_TXT,
    /**
     * A CSV file: a codelist, dummy data, or an output of the pipeline; whether it is a moderately_sensitive output
     * (and so checked) is decided from project.yaml.
     */
    CSV,
    OTHER;

    /** The folder of a study that holds codelists.txt and the CSVs downloaded from it. */
    public static final String CODELISTS_DIR = "codelists";
    public static final String CODELISTS_TXT_NAME = "codelists.txt";

    public static DocumentKind of(Path path) {
        Path name = path.getFileName();
        if (name == null) return OTHER;
        String n = name.toString();
        if (n.equals("project.yaml") || n.equals("project.yml")) return PROJECT_YAML;
        if (n.endsWith(".py")) return PYTHON;
        if (n.endsWith(".R") || n.endsWith(".r")) return R_SCRIPT;
        if (n.endsWith(".do")) return STATA_SCRIPT;
        if (n.equals(CODELISTS_TXT_NAME) && path.getParent() != null && path.getParent().getFileName() != null
                && path.getParent().getFileName().toString().equals(CODELISTS_DIR)) {
            return CODELISTS_TXT;
        }
        if (n.endsWith(".csv")) return CSV;
        return OTHER;
    }
}
