package opensafely.lsp.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Places in a file where the benchmark types, asks for completion or hovers, found by plain line patterns
 * (the harness must not depend on the server's parser). Each kind of request has named pools of sites,
 * used in turn. Columns are Java string indexes, i.e. UTF-16 code units, as LSP wants.
 */
record EditSites(List<Pool> edits, List<Pool> completions, List<Pool> hovers) {

    record Site(int line, int character) {
    }

    /** Sites of one kind; an edit site is where one character is typed and then deleted again. */
    record Pool(String name, List<Site> sites) {
    }

    static EditSites find(String fileName, String text) {
        return fileName.endsWith(".py") ? python(text) : projectYaml(text);
    }

    private static final Pattern ACTION_KEY = Pattern.compile("^  ([A-Za-z0-9_][A-Za-z0-9_-]*):\\s*$");
    private static final Pattern RUN = Pattern.compile("^(\\s+)run: ");
    private static final Pattern BLOCK_ENTRY = Pattern.compile("^\\s+- ([A-Za-z0-9_-]+)\\s*$");
    private static final Pattern FLOW_NEEDS = Pattern.compile("^\\s+needs: \\[([A-Za-z0-9_-]+)");

    private static EditSites projectYaml(String text) {
        List<Site> runEnds = new ArrayList<>();
        List<Site> needsEnds = new ArrayList<>();
        List<Site> runStarts = new ArrayList<>();
        List<Site> prefixes = new ArrayList<>();
        List<Site> flowOpen = new ArrayList<>();
        List<Site> actionNames = new ArrayList<>();
        List<Site> needsNames = new ArrayList<>();
        String[] lines = lines(text);
        boolean inNeeds = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String trimmed = line.trim();
            Matcher m;
            if ((m = ACTION_KEY.matcher(line)).matches()) {
                actionNames.add(new Site(i, 2 + m.group(1).length() / 2));
                inNeeds = false;
                continue;
            }
            if ((m = RUN.matcher(line)).find()) {
                runEnds.add(new Site(i, line.length()));
                runStarts.add(new Site(i, m.end()));
            }
            if (trimmed.equals("needs:")) {
                inNeeds = true;
                continue;
            }
            if (inNeeds && (m = BLOCK_ENTRY.matcher(line)).matches()) {
                int nameStart = m.start(1);
                int len = m.group(1).length();
                needsEnds.add(new Site(i, m.end(1)));
                prefixes.add(new Site(i, nameStart + Math.min(3, len)));
                needsNames.add(new Site(i, nameStart + len / 2));
                continue;
            }
            inNeeds = false;
            if ((m = FLOW_NEEDS.matcher(line)).find()) {
                int open = line.indexOf('[');
                flowOpen.add(new Site(i, open + 1));
                needsEnds.add(new Site(i, m.end(1)));
                needsNames.add(new Site(i, m.start(1) + m.group(1).length() / 2));
            }
        }
        // Typing at the end of a run line or a needs entry makes a typo that the rules then report.
        return new EditSites(
                pools(new Pool("end of run:", runEnds), new Pool("end of a needs entry", needsEnds)),
                pools(new Pool("needs entry (block `- ab`)", prefixes), new Pool("needs: [", flowOpen),
                        new Pool("after run: ", runStarts)),
                pools(new Pool("action names", actionNames), new Pool("needs entries", needsNames)));
    }

    private static final Pattern PATIENTS_CALL = Pattern.compile("^\\s+([a-z_][a-z0-9_]*)=patients\\.([a-z_]+)\\(");
    private static final Pattern KEYWORD_LINE = Pattern.compile("^(\\s+)(returning|between|on_or_after|on_or_before)=");

    /** ehrQL: the last line of {@code x.sort_by(\n    events.date\n)}; typing there misspells a column. */
    private static final Pattern EHRQL_COLUMN_LINE = Pattern.compile("^\\s+[a-z_][a-z0-9_]*\\.date$");

    private static EditSites python(String text) {
        List<Site> keywordLineEnds = new ArrayList<>();
        List<Site> afterPatients = new ArrayList<>();
        List<Site> keywordStarts = new ArrayList<>();
        List<Site> functionNames = new ArrayList<>();
        List<Site> variableNames = new ArrayList<>();
        String[] lines = lines(text);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            Matcher m;
            if ((m = PATIENTS_CALL.matcher(line)).find()) {
                afterPatients.add(new Site(i, m.start(2)));
                functionNames.add(new Site(i, m.start(2) + m.group(2).length() / 2));
                variableNames.add(new Site(i, m.start(1) + m.group(1).length() / 2));
            }
            if (EHRQL_COLUMN_LINE.matcher(line).matches()) keywordLineEnds.add(new Site(i, line.length()));
            if ((m = KEYWORD_LINE.matcher(line)).find()) {
                keywordLineEnds.add(new Site(i, line.length()));
                keywordStarts.add(new Site(i, m.end(1)));
            }
        }
        return new EditSites(
                pools(new Pool("end of an argument line", keywordLineEnds)),
                pools(new Pool("after patients.", afterPatients), new Pool("argument name", keywordStarts)),
                pools(new Pool("function names", functionNames), new Pool("variable names", variableNames)));
    }

    private static String[] lines(String text) {
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].endsWith("\r")) lines[i] = lines[i].substring(0, lines[i].length() - 1);
        }
        return lines;
    }

    private static List<Pool> pools(Pool... pools) {
        List<Pool> out = new ArrayList<>();
        for (Pool p : pools) {
            if (!p.sites().isEmpty()) out.add(p);
        }
        return out;
    }

    /** The k-th of `count` picks spread evenly over the file (so edits are not all near the top). */
    static Site spread(List<Site> sites, int k, int count) {
        long index = ((long) k * sites.size() / Math.max(1, count) + (long) k * 7919) % sites.size();
        return sites.get((int) index);
    }

    /** The pool for the k-th request of `count`, taking the pools in turn, and its pick. */
    static Site pick(List<Pool> pools, int k, int count) {
        Pool p = pools.get(k % pools.size());
        return spread(p.sites(), k / pools.size(), Math.max(1, count / pools.size()));
    }
}
