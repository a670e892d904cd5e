package opensafely.lsp.python;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import opensafely.lsp.workspace.Excerpt;
import opensafely.lsp.workspace.StudyFolder;

/**
 * Imports of sibling modules whose file is a link leading out of the study folder. The study interpreter and
 * the ehrQL evaluator do not read such a file (see {@link StudyFolder#access}); this finds the import that
 * names it, so that the refusal is reported where the user can see it rather than silently leaving the
 * module's names unknown. The module is looked for where the loaders look: beside the file (or levels up for a
 * relative import), as a package, and, for an absolute import, at the study folder's top and one folder up.
 */
public final class ModuleLinks {
    /** An import at {@code start..end} (offsets in the file) of {@code module}, whose file leaves the folder. */
    public record Finding(int start, int end, String module) {
        /** What the study and ehrQL analyses say on the import (rule file-outside-study). */
        public String message() {
            return "Module '" + Excerpt.of(module)
                    + "' is a link to a file outside the study folder, so it is not read; commit the file itself, not a link.";
        }
    }

    private static final int MAX_FINDINGS = 20;

    private ModuleLinks() {
    }

    public static List<Finding> outside(SourceFile file, StudyFolder folder) {
        List<Finding> out = new ArrayList<>();
        if (file.path == null || file.module == null || !folder.known()) return out;
        for (Py.Stmt s : file.module.body()) {
            if (out.size() >= MAX_FINDINGS) break;
            if (s instanceof Py.Import i) {
                for (Py.Alias a : i.names()) {
                    if (leaves(file.path, a.name(), 0, folder)) out.add(new Finding(a.start(), a.end(), a.name()));
                }
            } else if (s instanceof Py.ImportFrom f && f.module() != null && !f.module().isEmpty()) {
                if (leaves(file.path, f.module(), f.level(), folder)) out.add(new Finding(f.moduleStart(), f.moduleEnd(), f.module()));
            }
        }
        return out;
    }

    private static boolean leaves(Path from, String module, int level, StudyFolder folder) {
        Path dir = from.toAbsolutePath().normalize().getParent();
        for (int i = 1; i < level && dir != null; i++) dir = dir.getParent();
        if (dir == null) return false;
        String rel = module.replace('.', '/');
        List<Path> candidates = new ArrayList<>(List.of(dir.resolve(rel + ".py"), dir.resolve(rel).resolve("__init__.py")));
        if (level == 0) {
            folder.root().ifPresent(r -> candidates.add(r.resolve(rel + ".py")));
            if (dir.getParent() != null) candidates.add(dir.getParent().resolve(rel + ".py"));
        }
        for (Path c : candidates) { // the first file there is the one the loaders take
            if (folder.leavesFolder(c)) return true;
            if (folder.access(c) == StudyFolder.Access.FILE) return false;
        }
        return false;
    }
}
