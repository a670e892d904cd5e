package opensafely.lsp;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a single misspelling can be planted in a real ehrQL or cohort-extractor file, by kind. Sites are
 * found with regular expressions over the code only (a small scanner masks comments and string literals,
 * and tracks bracket depth so a keyword argument is told from an assignment), and chosen deterministically:
 * the file name seeds the shuffle, so every run plants the same faults.
 */
final class PlantSites {
    enum Kind { COLUMN, METHOD, TABLE, FUNCTION, KEYWORD, RETURNING, CODELIST_PATH }

    /** One planted fault: replace [start, end) of the text by {@code replacement}; line is zero-based. */
    record Site(Kind kind, int start, int end, String original, String replacement, int line) {
        String apply(String text) {
            return text.substring(0, start) + replacement + text.substring(end);
        }
    }

    static final Set<String> EHRQL_METHODS = Set.of(
            "where", "except_where", "sort_by", "first_for_patient", "last_for_patient", "exists_for_patient",
            "count_for_patient", "count_distinct_for_patient", "sum_for_patient", "mean_for_patient",
            "minimum_for_patient", "maximum_for_patient", "is_in", "is_not_in", "is_null", "is_not_null",
            "is_on_or_before", "is_on_or_after", "is_before", "is_after", "is_between_but_not_on",
            "is_on_or_between", "is_during", "when_null_then", "map_values", "contains", "contains_any_of",
            "to_first_of_month", "to_first_of_year", "define_population", "configure_dummy_data",
            "define_measure", "define_defaults", "add_column", "age_on", "is_alive_on", "is_dead_on",
            "for_patient_on", "exists_on", "then", "otherwise", "as_int", "as_float", "minus_days",
            "plus_days", "to_category", "year", "month");
    static final Set<String> FUNCTIONS = Set.of(
            "create_dataset", "create_measures", "codelist_from_csv", "case", "when", "days", "weeks", "months",
            "years", "minimum_of", "maximum_of", "StudyDefinition", "Measure", "combine_codelists",
            "filter_codes_by_category", "Dataset", "Measures");
    static final Set<String> KEYWORDS = Set.of(
            "returning", "codelist", "column", "system", "category_column", "between", "on_or_before",
            "on_or_after", "find_first_match_in_period", "find_last_match_in_period", "date_format",
            "return_expectations", "numerator", "denominator", "group_by", "intervals", "index_date",
            "population", "include_date_of_match", "return_first_date_in_period", "default_expectations",
            "measure_id", "include_measurement_date", "ignore_days_where_these_codes_occur");

    private final String text;
    private final boolean ehrql;
    private final boolean[] code;
    private final int[] depth;
    private final boolean[] stringOpen;

    PlantSites(String text) {
        this.text = text;
        this.ehrql = text.contains("ehrql");
        this.code = new boolean[text.length() + 1];
        this.depth = new int[text.length() + 1];
        this.stringOpen = new boolean[text.length() + 1];
        scan();
    }

    /** Up to {@code perKind} sites of each kind, the same on every run for the same file name. */
    List<Site> choose(String seed, int perKind) {
        List<Site> out = new ArrayList<>();
        for (Kind k : Kind.values()) {
            List<Site> all = new ArrayList<>(sites(k));
            java.util.Collections.shuffle(all, new Random(seed.hashCode() * 31L + k.ordinal()));
            out.addAll(all.subList(0, Math.min(perKind, all.size())));
        }
        return out;
    }

    List<Site> sites(Kind kind) {
        List<Site> out = new ArrayList<>();
        switch (kind) {
            case COLUMN -> {
                if (!ehrql) break;
                for (String t : tableNames()) {
                    codeMatches(Pattern.compile("(?<![\\w.])" + Pattern.quote(t) + "\\.([a-z_][a-z0-9_]*)\\b(?!\\s*\\()"), 1, kind, out);
                }
            }
            case METHOD -> {
                if (ehrql) {
                    Matcher m = Pattern.compile("\\.([a-z_][a-z0-9_]*)\\s*\\(").matcher(text);
                    while (m.find()) if (EHRQL_METHODS.contains(m.group(1))) add(kind, m.start(1), m.end(1), out);
                } else {
                    codeMatches(Pattern.compile("(?<![\\w.])patients\\.([a-z_][a-z0-9_]*)\\s*\\("), 1, kind, out);
                }
            }
            case TABLE -> {
                Matcher m = Pattern.compile("from\\s+ehrql\\.tables[\\w.]*\\s+import\\s+").matcher(text);
                while (m.find()) {
                    if (!code[m.start()]) continue;
                    int end = text.charAt(m.end()) == '(' ? text.indexOf(')', m.end()) : text.indexOf('\n', m.end());
                    if (end < 0) end = text.length();
                    Matcher n = Pattern.compile("\\b([a-z_][a-z0-9_]*)\\b(\\s+as\\s+\\w+)?").matcher(text).region(m.end(), end);
                    while (n.find()) if (!n.group(1).equals("as") && code[n.start(1)]) add(kind, n.start(1), n.end(1), out);
                }
            }
            case FUNCTION -> {
                Matcher m = Pattern.compile("(?<![\\w.])([A-Za-z_][A-Za-z0-9_]*)\\s*\\(").matcher(text);
                while (m.find()) {
                    if (!FUNCTIONS.contains(m.group(1)) || lineText(m.start()).stripLeading().startsWith("def ")) continue;
                    add(kind, m.start(1), m.end(1), out);
                }
            }
            case KEYWORD -> {
                Matcher m = Pattern.compile("(?<![\\w.])([a-z_][a-z0-9_]*)\\s*=(?!=)").matcher(text);
                while (m.find()) {
                    if (!KEYWORDS.contains(m.group(1)) || depth[m.start()] == 0) continue;
                    if (lineText(m.start()).stripLeading().startsWith("def ")) continue;
                    add(kind, m.start(1), m.end(1), out);
                }
            }
            case RETURNING -> {
                if (ehrql) break;
                Matcher m = Pattern.compile("(?<![\\w.])returning\\s*=\\s*([\"'])([a-z_0-9]+)\\1").matcher(text);
                while (m.find()) if (code[m.start()]) add(kind, m.start(2), m.end(2), out);
            }
            case CODELIST_PATH -> {
                Matcher m = Pattern.compile("([\"'])codelists/([^\"'\\n]*?)([^/\"'\\n]+)\\.csv\\1").matcher(text);
                while (m.find()) if (stringOpen[m.start()]) add(kind, m.start(3), m.end(3), out);
            }
        }
        return out;
    }

    /** The names a file imports from ehrql.tables.*, as it uses them (the alias when there is one). */
    private Set<String> tableNames() {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = Pattern.compile("from\\s+ehrql\\.tables[\\w.]*\\s+import\\s+").matcher(text);
        while (m.find()) {
            int end = text.charAt(m.end()) == '(' ? text.indexOf(')', m.end()) : text.indexOf('\n', m.end());
            if (end < 0) end = text.length();
            Matcher n = Pattern.compile("\\b([a-z_][a-z0-9_]*)\\b(?:\\s+as\\s+(\\w+))?").matcher(text).region(m.end(), end);
            while (n.find()) if (!n.group(1).equals("as")) names.add(n.group(2) != null ? n.group(2) : n.group(1));
        }
        return names;
    }

    private void codeMatches(Pattern p, int group, Kind kind, List<Site> out) {
        Matcher m = p.matcher(text);
        while (m.find()) if (code[m.start()]) add(kind, m.start(group), m.end(group), out);
    }

    private void add(Kind kind, int start, int end, List<Site> out) {
        if (!code[start] && kind != Kind.RETURNING && kind != Kind.CODELIST_PATH) return;
        String name = text.substring(start, end);
        String bad = misspell(name);
        if (bad == null) return;
        out.add(new Site(kind, start, end, name, bad, lineOf(start)));
    }

    /** Two neighbouring letters swapped near the middle (date_of_birth → date_o_fbirth is avoided: letters only). */
    static String misspell(String name) {
        if (name.length() < 3) return null;
        char[] c = name.toCharArray();
        for (int d = 0; d < c.length; d++) {
            for (int i : new int[] {c.length / 2 + d, c.length / 2 - d}) {
                if (i < 1 || i + 1 >= c.length) continue;
                if (Character.isLetter(c[i]) && Character.isLetter(c[i + 1]) && c[i] != c[i + 1]) {
                    char t = c[i]; c[i] = c[i + 1]; c[i + 1] = t;
                    return new String(c);
                }
            }
        }
        return name.substring(0, name.length() / 2) + "x" + name.substring(name.length() / 2);
    }

    private int lineOf(int offset) {
        int line = 0;
        for (int i = 0; i < offset; i++) if (text.charAt(i) == '\n') line++;
        return line;
    }

    private String lineText(int offset) {
        int s = text.lastIndexOf('\n', offset - 1) + 1;
        int e = text.indexOf('\n', offset);
        return text.substring(s, e < 0 ? text.length() : e);
    }

    /** Marks which characters are code (not comment or string) and the bracket depth at each. */
    private void scan() {
        int d = 0;
        int i = 0, n = text.length();
        while (i < n) {
            char ch = text.charAt(i);
            if (ch == '#') {
                while (i < n && text.charAt(i) != '\n') { depth[i] = d; i++; }
                continue;
            }
            if (ch == '"' || ch == '\'') {
                boolean triple = i + 2 < n && text.charAt(i + 1) == ch && text.charAt(i + 2) == ch;
                String close = triple ? String.valueOf(ch).repeat(3) : String.valueOf(ch);
                int j = i + close.length();
                while (j < n && !text.startsWith(close, j)) {
                    if (text.charAt(j) == '\\') j++;
                    else if (!triple && text.charAt(j) == '\n') break;
                    j++;
                }
                stringOpen[i] = true;
                int stop = Math.min(n, j + close.length());
                for (int k = i; k < stop; k++) depth[k] = d;
                i = stop;
                continue;
            }
            if (ch == '(' || ch == '[' || ch == '{') d++;
            code[i] = true;
            depth[i] = d;
            if (ch == ')' || ch == ']' || ch == '}') d = Math.max(0, d - 1);
            i++;
        }
    }
}
