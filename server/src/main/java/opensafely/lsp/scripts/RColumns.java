package opensafely.lsp.scripts;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import opensafely.lsp.scripts.RScriptReader.Strings;
import opensafely.lsp.scripts.RScriptReader.Table;
import opensafely.lsp.scripts.RScriptReader.Value;

/**
 * Follows data frames read from files to the columns the script names: {@code df$x}, {@code df[["x"]]},
 * {@code df[, "x"]} and dplyr verbs. Conservative by design: a name is a column only where it cannot be anything else
 * (a name the script binds, a tidyselect helper, {@code .data$x}, {@code across} say nothing), and once the columns
 * of a frame change in ways not followed (summarise, joins, pivots, {@code names<-}) it is not followed further.
 */
final class RColumns {
    /** Verbs that keep the frame's columns and whose arguments are data-masked expressions. */
    private static final Set<String> KEEPING = Set.of("filter", "arrange", "group_by", "ungroup", "distinct",
            "slice_min", "slice_max", "slice_head", "slice_tail", "slice_sample", "slice", "rowwise", "drop_na",
            "head", "tail", "as_tibble", "as.data.frame", "tibble::as_tibble", "collect", "compute");
    /** Verbs after which the frame's columns are no longer known; their arguments still name columns. */
    private static final Set<String> RESHAPING = Set.of("summarise", "summarize", "count", "tally", "add_count",
            "reframe");
    private static final Set<String> SELECTING = Set.of("select", "pull", "relocate");
    /** Functions a data-masked name may be an argument of and still surely be a column. */
    private static final Set<String> VECTOR_FUNCTIONS = Set.of("ifelse", "if_else", "case_when", "is.na", "as.numeric",
            "as.integer", "as.character", "as.Date", "as.factor", "factor", "round", "cut", "mean", "median", "sum",
            "min", "max", "n_distinct", "between", "coalesce", "desc", "year", "month", "ymd", "floor", "ceiling",
            "abs", "log", "exp", "sqrt", "is.null", "nchar", "substr", "str_detect", "grepl", "fct_relevel",
            "fct_recode", "replace_na", "first", "last", "lag", "lead", "cumsum", "sd", "quantile", "Surv", "strata", "I", "offset", "ns", "relevel");
    private static final Set<String> CONSTANTS = Set.of("T", "F", "TRUE", "FALSE", "NA", "NULL", "Inf", "NaN", "pi",
            "LETTERS", "letters", "month.abb", "month.name", "NA_integer_", "NA_real_", "NA_character_", "else",
            "function", "in");
    /** Calls whose presence among a verb's arguments leaves the frame's columns unknown. */
    private static final Set<String> UNFOLLOWED = Set.of("across", "c_across", "if_any", "if_all", "pick",
            "starts_with", "ends_with", "contains", "matches", "everything", "all_of", "any_of", "where", "num_range",
            "last_col", "cur_data", "cur_column", "unpack");

    private final RScriptReader.Walk walk;

    RColumns(RScriptReader.Walk walk) {
        this.walk = walk;
    }

    private Table table(Value v) {
        return v instanceof Table t ? t : null;
    }

    private void column(Table t, String name, int start, int end) {
        if (t == null || walk.speculative || name.isEmpty() || t.added().contains(name)) return;
        if (end - start == name.length() + 2 && walk.text.charAt(start) == '`') {
            start++;
            end--;
        }
        walk.columns.add(new ColumnUse(t.source(), name, walk.range(start, end)));
    }

    /** {@code df$x}: a column of {@code df} when it was read from a file. */
    Value dollar(RNode.Dollar d) {
        Value target = walk.eval(d.target());
        if (!d.name().startsWith("@")) column(table(target), d.name(), d.nameStart(), d.nameEnd());
        return null;
    }

    /** {@code df[["x"]]}, {@code df["x"]}, {@code df[, "x"]}, {@code df[, c("x", "y")]}. */
    Value index(RNode.Index x) {
        Table t = table(walk.eval(x.target()));
        for (RNode.Arg a : x.args()) {
            if (a.value() instanceof RNode.Binary b && b.op().equals(":=") && x.target() instanceof RNode.Name n
                    && t != null) {
                // dt[, new := ...] adds columns in place: the frame's columns are no longer known
                walk.env.vars.put(n.name(), RScriptReader.UNKNOWN);
                t = null;
            }
        }
        for (RNode.Arg a : x.args()) {
            if (a.value() != null) walk.eval(a.value());
        }
        if (t == null) return null;
        List<RNode.Arg> args = x.args().stream().filter(a -> a.name() == null).toList();
        RNode cols = null;
        if (args.size() == 1) cols = args.get(0).value();
        else if (args.size() == 2 && !x.dbl()) cols = args.get(1).value();
        strings(t, cols);
        return x.dbl() || args.size() != 1 || !(cols instanceof RNode.Str) ? null : t;
    }

    /** The string literals of {@code "x"} or {@code c("x", "y")} as columns. */
    private void strings(Table t, RNode cols) {
        if (cols instanceof RNode.Str s) {
            column(t, s.value(), s.start() + 1, s.end() - 1);
        } else if (cols instanceof RNode.Call c && c.fn() instanceof RNode.Name n && n.name().equals("c")) {
            for (RNode.Arg a : c.args()) {
                if (a.name() == null && a.value() instanceof RNode.Str s) column(t, s.value(), s.start() + 1, s.end() - 1);
            }
        }
    }

    /** {@code df$x <- ...}, {@code df[["x"]] <- ...}: {@code x} is the script's own column from then on. */
    void assignInto(RNode target) {
        RNode base = target;
        String made = null;
        while (true) {
            if (base instanceof RNode.Dollar d) {
                made = d.target() instanceof RNode.Name ? d.name() : made;
                base = d.target();
            } else if (base instanceof RNode.Index x) {
                for (RNode.Arg a : x.args()) if (a.value() != null) walk.eval(a.value());
                List<RNode.Arg> args = x.args().stream().filter(a -> a.name() == null).toList();
                RNode col = args.size() == 1 ? args.get(0).value() : args.size() == 2 ? args.get(1).value() : null;
                if (x.target() instanceof RNode.Name) made = col instanceof RNode.Str s ? s.value() : "";
                base = x.target();
            } else if (base instanceof RNode.Call c && !c.args().isEmpty()) {
                // names(df) <- ..., levels(df$x) <- ...: the frame's columns may be renamed
                made = "";
                base = c.args().get(0).value();
            } else {
                break;
            }
        }
        if (!(base instanceof RNode.Name n) || !(walk.env.get(n.name()) instanceof Table t)) return;
        if (made == null || made.isEmpty()) {
            walk.env.vars.put(n.name(), RScriptReader.UNKNOWN);
        } else {
            walk.env.vars.put(n.name(), with(t, Set.of(made)));
        }
    }

    private static Table with(Table t, Set<String> more) {
        Set<String> added = new HashSet<>(t.added());
        added.addAll(more);
        return new Table(t.source(), Set.copyOf(added));
    }

    /** {@code read_csv(..., col_select = c(x, y))}: those are columns of the file. */
    void selectedOnRead(Table t, List<RArgs.Arg> args) {
        RArgs.Arg sel = RArgs.named(args, "col_select");
        if (sel == null) sel = RArgs.named(args, "select");
        if (sel != null) selection(t, sel.node());
    }

    /**
     * A dplyr verb applied to a frame read from a file (first argument, or piped): the columns it names, and the
     * frame it returns; {@link RStrings#NOT_STRING} when the function is no such verb.
     */
    Value verb(RNode.Name fn, List<RArgs.Arg> args) {
        String bare = fn.bare();
        boolean known = KEEPING.contains(bare) || RESHAPING.contains(bare) || SELECTING.contains(bare)
                || bare.equals("mutate") || bare.equals("transmute") || bare.equals("rename");
        if (!known) return RStrings.NOT_STRING;
        if (args.isEmpty() || args.get(0).name() != null) return null;
        Table t = table(args.get(0).value());
        if (t == null) return null;
        Set<String> added = new HashSet<>(t.added());
        boolean follow = true;
        for (RArgs.Arg a : args.subList(1, args.size())) {
            if (a.name() != null && a.name().startsWith(".")) continue;
            Table now = new Table(t.source(), Set.copyOf(added));
            if (SELECTING.contains(bare)) {
                if (a.name() != null) added.add(a.name());
                selection(now, a.node());
            } else if (bare.equals("rename")) {
                if (a.name() != null) added.add(a.name());
                if (a.node() instanceof RNode.Name n && !walk.bound(n.name())) column(now, n.name(), n.start(), n.end());
                else if (a.node() instanceof RNode.Str s) column(now, s.value(), s.start() + 1, s.end() - 1);
            } else {
                if (mentions(a.node(), UNFOLLOWED) || (a.name() == null && (bare.equals("mutate") || bare.equals("transmute")))) {
                    follow = false;
                }
                masked(now, a.node());
                if (a.name() != null) added.add(a.name());
            }
        }
        if (!follow || RESHAPING.contains(bare) || bare.equals("pull")) return null;
        return new Table(t.source(), Set.copyOf(added));
    }

    /** A tidyselect argument: bare names and strings are columns; helpers, negation and ranges say nothing. */
    private void selection(Table t, RNode node) {
        if (node instanceof RNode.Name n && !n.qualified() && !walk.bound(n.name()) && !CONSTANTS.contains(n.name())) {
            column(t, n.name(), n.start(), n.end());
        } else if (node instanceof RNode.Str s) {
            column(t, s.value(), s.start() + 1, s.end() - 1);
        } else if (node instanceof RNode.Call c && c.fn() instanceof RNode.Name f && f.name().equals("c")) {
            for (RNode.Arg a : c.args()) if (a.name() == null) selection(t, a.value());
        }
    }

    /**
     * A data-masked expression ({@code filter(age > 5)}, {@code mutate(y = age * 2)}): names in operator operands and
     * in arguments of common vector functions are columns, unless the script binds them or may bind names unseen.
     */
    private void masked(Table t, RNode node) {
        if (node == null || walk.opaqueNames) return;
        if (node instanceof RNode.Name n) {
            if (!n.qualified() && !n.name().startsWith(".") && !walk.bound(n.name()) && !CONSTANTS.contains(n.name())) {
                column(t, n.name(), n.start(), n.end());
            }
        } else if (node instanceof RNode.Binary b) {
            masked(t, b.left());
            masked(t, b.right());
        } else if (node instanceof RNode.Unary u) {
            if (u.op().equals("!") && u.operand() instanceof RNode.Unary inner && inner.op().equals("!")) return; // !!x
            if (!u.op().equals("~")) masked(t, u.operand());
        } else if (node instanceof RNode.Call c && c.fn() instanceof RNode.Name f && !f.qualified()
                && VECTOR_FUNCTIONS.contains(f.name()) && !walk.bound(f.name())) {
            for (RNode.Arg a : c.args()) masked(t, a.value());
        }
    }

    /** A model formula over a frame read from a file ({@code glm(y ~ age + sex, data = df)}): its names are columns. */
    void formulas(List<RArgs.Arg> args) {
        RArgs.Arg data = RArgs.named(args, "data");
        if (data == null || !(data.value() instanceof Table t)) return;
        for (RArgs.Arg a : args) {
            if (a.node() instanceof RNode.Binary b && b.op().equals("~")) masked(t, b);
        }
    }

    private static boolean mentions(RNode node, Set<String> calls) {
        if (node instanceof RNode.Call c) {
            if (c.fn() instanceof RNode.Name f && calls.contains(f.bare())) return true;
            for (RNode.Arg a : c.args()) if (mentions(a.value(), calls)) return true;
        } else if (node instanceof RNode.Binary b) {
            return mentions(b.left(), calls) || mentions(b.right(), calls);
        } else if (node instanceof RNode.Unary u) {
            return mentions(u.operand(), calls);
        } else if (node instanceof RNode.Dollar d) {
            return d.target() instanceof RNode.Name n && n.name().equals(".data") || mentions(d.target(), calls);
        }
        return false;
    }
}
