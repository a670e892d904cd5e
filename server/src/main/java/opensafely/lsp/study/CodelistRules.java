package opensafely.lsp.study;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import opensafely.lsp.codelists.CodelistCsvFiles;
import opensafely.lsp.workspace.Excerpt;
import opensafely.lsp.codelists.CodelistDownloads;
import opensafely.lsp.diagnostics.DidYouMean;
import opensafely.lsp.diagnostics.Fix;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.study.Value.Origin;

/**
 * codelist_from_csv reads its file when the study is loaded: the file must exist and have the named columns.
 * Checked for codelists defined in this file and for those its variables use (shown where they are used).
 */
final class CodelistRules implements StudyRule {
    private static final Set<String> SYSTEMS = Set.of("ctv3", "snomed", "icd10", "opcs4", "snomedct", "dmd", "dmd_vtm", "readv2");
    /** Names cohort-extractor passes through untouched (with_covid_therapeutics matches drug names, say). */
    private static final Set<String> PASSED_THROUGH = Set.of("therapeutics", "bnf", "ctv3tpp", "nhsd_primary_care_domain_refsets");

    @Override
    public void check(StudyContext ctx) {
        if (!ctx.folder.known()) return;
        Map<Value.Codelist, Origin> used = new IdentityHashMap<>();
        for (Interpreter.Binding b : ctx.model.env.names.values()) {
            if (b.value() instanceof Value.Codelist cl && cl.origin().file() == ctx.doc) used.putIfAbsent(cl, null);
        }
        for (StudyModel.Variable v : ctx.model.variables) {
            Value.Call c = v.call();
            if (c == null) continue;
            for (Value.Kw k : c.keywords()) {
                if (k.value() instanceof Value.Codelist cl) used.putIfAbsent(cl, k.valueOrigin().file() == ctx.doc ? k.valueOrigin() : k.anchor());
            }
            for (int i = 0; i < c.positional().size(); i++) {
                Origin o = c.positionalOrigins().get(i);
                if (c.positional().get(i) instanceof Value.Codelist cl) used.putIfAbsent(cl, o.file() == ctx.doc ? o : v.kw().anchor());
            }
        }
        for (Map.Entry<Value.Codelist, Origin> e : used.entrySet()) check(ctx, e.getKey(), e.getValue());
    }

    private static void check(StudyContext ctx, Value.Codelist cl, Origin usedAt) {
        consistency(ctx, cl, usedAt);
        // codelist_from_csv stores any system; only the functions that read a codelist check it (CallRules, where
        // it is used). Here only a near miss of a system name is said, since it is surely a typo.
        if (cl.system() != null && !SYSTEMS.contains(cl.system()) && !PASSED_THROUGH.contains(cl.system()) && cl.origin().file() == ctx.doc
                && DidYouMean.closest(cl.system(), List.of("ctv3", "snomed", "icd10", "opcs4")).isPresent()) {
            ctx.report(Rule.STUDY_CODELIST_SYSTEM, cl.systemOrigin() != null ? cl.systemOrigin() : cl.origin(), usedAt,
                    "Unknown coding system '" + cl.system() + "'; cohort-extractor functions accept ctv3, snomed, icd10 or opcs4."
                            + DidYouMean.suffix(DidYouMean.closest(cl.system(), List.of("ctv3", "snomed", "icd10", "opcs4"))))
                    ;
        }
        if (!cl.kind().equals("csv") || cl.path() == null) return;
        Optional<Path> p = ctx.folder.resolve(cl.path());
        if (p.isEmpty()) return;
        Origin at = cl.pathOrigin() != null ? cl.pathOrigin() : cl.origin();
        if (ctx.folder.leavesFolder(p.get())) {
            ctx.report(Rule.FILE_OUTSIDE_STUDY, at, usedAt, outsideMessage(cl.path()));
            return;
        }
        if (!Files.isRegularFile(p.get())) {
            String dir = cl.path().contains("/") ? cl.path().substring(0, cl.path().lastIndexOf('/')) : "";
            String name = cl.path().substring(cl.path().lastIndexOf('/') + 1);
            Optional<String> s = DidYouMean.closest(name, ctx.folder.list(dir));
            Optional<Fix> download = CodelistDownloads.fixFor(ctx.folder, cl.path());
            ctx.report(Rule.STUDY_CODELIST_FILE_MISSING, at, usedAt, "Codelist file '" + cl.path() + "' does not exist."
                    + s.map(x -> " Did you mean '" + (dir.isEmpty() ? x : dir + "/" + x) + "'?")
                            .orElse(download.isPresent() ? " It is in codelists.txt: download it with `codelists update`." : ""),
                    download.stream().toArray(Fix[]::new));
            return;
        }
        // A file that cannot be read as CSV here (gzipped, say) is not judged further.
        Optional<CodelistCsvFiles.Csv> info = ctx.codelists.read(ctx.folder, p.get());
        if (info.isEmpty()) return;
        if (info.get().headerTooLong()) {
            ctx.report(Rule.CODELIST_HEADER_TOO_LONG, at, usedAt, info.get().headerTooLongMessage(Excerpt.of(cl.path())));
            return;
        }
        List<String> header = info.get().header();
        if (cl.column() != null && !header.contains(cl.column())) {
            ctx.report(Rule.STUDY_CODELIST_COLUMN_MISSING, cl.columnOrigin() != null ? cl.columnOrigin() : at, usedAt,
                    "'" + cl.path() + "' has no column '" + cl.column() + "' (columns: " + info.get().describeHeader() + ")."
                            + DidYouMean.suffix(DidYouMean.closest(cl.column(), info.get().suggestibleHeader())));
        }
        if (cl.categoryColumn() != null && !header.contains(cl.categoryColumn())) {
            ctx.report(Rule.STUDY_CODELIST_COLUMN_MISSING, cl.categoryColumnOrigin() != null ? cl.categoryColumnOrigin() : at, usedAt,
                    "'" + cl.path() + "' has no column '" + cl.categoryColumn() + "' (columns: " + info.get().describeHeader() + ")."
                            + DidYouMean.suffix(DidYouMean.closest(cl.categoryColumn(), info.get().suggestibleHeader())));
        }
    }

    /**
     * What codelist() and combine_codelists() reject with ValueError when the study is loaded: codelists of different
     * coding systems combined, categorised combined with uncategorised, a code given two categories in a literal list.
     * Only values the evaluator knows for certain are judged.
     */
    private static void consistency(StudyContext ctx, Value.Codelist cl, Origin usedAt) {
        if (cl.kind().equals("combined") && cl.parts() != null && !cl.parts().isEmpty()
                && cl.parts().get(0) instanceof Value.Codelist first) {
            for (Value v : cl.parts().subList(1, cl.parts().size())) {
                if (!(v instanceof Value.Codelist other)) return;
                if (first.system() != null && other.system() != null && !first.system().equals(other.system())) {
                    ctx.report(Rule.STUDY_INVALID_VALUE, other.origin(), usedAt, "combine_codelists cannot combine codelists of different "
                            + "coding systems ('" + first.system() + "' and '" + other.system() + "'): ValueError when the study is loaded.");
                    return;
                }
                if (first.categorised() != null && other.categorised() != null && !first.categorised().equals(other.categorised())) {
                    ctx.report(Rule.STUDY_INVALID_VALUE, other.origin(), usedAt, "combine_codelists cannot combine a categorised codelist "
                            + "with an uncategorised one: ValueError when the study is loaded.");
                    return;
                }
            }
        }
        if (cl.kind().equals("literal") && cl.parts() != null) {
            Map<String, String> category = new java.util.HashMap<>();
            for (Value item : cl.parts()) {
                if (!(item instanceof Value.ListV pair) || pair.items.size() != 2 || !(pair.items.get(0) instanceof Value.Str code)
                        || !(pair.items.get(1) instanceof Value.Str cat)) return;
                String prior = category.putIfAbsent(code.value(), cat.value());
                if (prior != null && !prior.equals(cat.value())) {
                    ctx.report(Rule.STUDY_INVALID_VALUE, cl.origin(), usedAt, "Code '" + code.value() + "' is given two categories ('" + prior
                            + "' and '" + cat.value() + "'): codelist() stops with ValueError (inconsistent categorisation).");
                    return;
                }
            }
        }
    }

    /** The finding for a codelist path that is a link leading out of the study folder. */
    static String outsideMessage(String path) {
        return "'" + Excerpt.of(path) + "' is a link to a file outside the study folder, so it is not read;"
                + " commit the codelist file itself, not a link.";
    }
}
