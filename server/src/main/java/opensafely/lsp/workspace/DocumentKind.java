package opensafely.lsp.workspace;

import java.nio.file.Path;

/** What a file in a study folder is, decided from its name and place. */
public enum DocumentKind {
    PROJECT_YAML, PYTHON, OTHER;

    public static DocumentKind of(Path path) {
        Path name = path.getFileName();
        if (name == null) return OTHER;
        String n = name.toString();
        if (n.equals("project.yaml") || n.equals("project.yml")) return PROJECT_YAML;
        if (n.endsWith(".py")) return PYTHON;
        return OTHER;
    }
}
