package opensafely.lsp.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Several {@link LspSession}s (fresh processes) on one input, reported as markdown table rows:
 * median and p95 over all sessions' samples pooled, and as machine noise the spread of the
 * per-session p95 (min–max over sessions).
 */
final class LspBench {
    private LspBench() {
    }

    /**
     * Keystroke → publishDiagnostics only (bench/latency.sh): per session the p50 and p95 of each kind of edit;
     * the row gives the median over sessions of those, and the spread (min–max over sessions) of the p95.
     */
    static void latency(String input, LspSession.Options options, int sessions, int targetMs) throws Exception {
        List<LspSession.Result> results = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            System.err.println("latency " + input + ": session " + (i + 1) + "/" + sessions);
            results.add(new LspSession(options).run());
        }
        System.out.println(latencyRow(input, "edit inside " + (options.file().endsWith(".py") ? "the definition" : "an action"),
                results, LspSession.Result::editRawMs, targetMs));
        if (!results.get(0).appendRawMs().isEmpty()) {
            System.out.println(latencyRow(input, "new action typed at the end", results, LspSession.Result::appendRawMs, targetMs));
        }
        StringBuilder notes = new StringBuilder("NOTE " + input + ": load avg per session (before → after): ");
        for (LspSession.Result r : results) notes.append('[').append(r.loadBefore()).append(" → ").append(r.loadAfter()).append("] ");
        System.out.println(notes.toString().trim());
    }

    private static String latencyRow(String input, String metric, List<LspSession.Result> results,
                                     Function<LspSession.Result, List<Double>> sample, int targetMs) {
        List<Double> p50 = new ArrayList<>();
        List<Double> p95 = new ArrayList<>();
        int n = 0;
        for (LspSession.Result r : results) {
            Stats s = Stats.of(sample.apply(r));
            n += s.n();
            p50.add(s.median());
            p95.add(s.p95());
        }
        Stats m50 = Stats.of(p50);
        Stats m95 = Stats.of(p95);
        return "| " + input + " | " + metric + " | " + results.size() + " × " + (n / results.size()) + " | " + Stats.ms(m50.median())
                + " | " + Stats.ms(m95.median()) + " | " + Stats.ms(m95.min()) + "–" + Stats.ms(m95.max()) + " | ≤ " + targetMs
                + " | " + (m95.median() <= targetMs ? "yes" : "no") + " |";
    }

    static void run(String input, LspSession.Options options, int sessions, long debounceMs) throws Exception {
        List<LspSession.Result> results = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            System.err.println("lsp " + input + ": session " + (i + 1) + "/" + sessions);
            results.add(new LspSession(options).run());
        }
        // The budgets of the issues: project.yaml edits 50 ms, study definitions (more to analyse) 100 ms.
        int editTarget = options.file().endsWith(".py") ? 100 : 50;
        List<String> rows = new ArrayList<>();
        rows.add(row(input, "spawn → initialize result (JVM start incl.)", results, r -> List.of(r.initializeMs()), "—"));
        rows.add(row(input, "didOpen → first publishDiagnostics", results, r -> List.of(r.firstDiagnosticsMs()), "—"));
        // Issue #15's budgets as the user sees it, debounce included: project.yaml 100 ms, definitions 150 ms.
        int rawTarget = options.file().endsWith(".py") ? 150 : 100;
        rows.add(row(input, "**edit → publishDiagnostics, raw** (debounce included)", results,
                LspSession.Result::editRawMs, "≤ " + rawTarget, rawTarget));
        if (!results.get(0).appendRawMs().isEmpty()) {
            rows.add(row(input, "**new action typed at the end → publishDiagnostics, raw**", results,
                    LspSession.Result::appendRawMs, "≤ " + rawTarget, rawTarget));
        }
        if (debounceMs > 0) { // a fixed debounce (older servers): what is left is compute + publish
            rows.add(row(input, "**edit → publishDiagnostics − debounce** (compute + publish)", results,
                    r -> minus(r.editRawMs(), debounceMs), "≤ " + editTarget, editTarget));
        }
        rows.add(row(input, "**completion, all sites**", results, LspSession.Result::completionMs, "≤ 20", 20));
        Map<String, Boolean> kinds = new LinkedHashMap<>();
        results.forEach(r -> r.completionKinds().forEach(k -> kinds.put(k, true)));
        for (String kind : kinds.keySet()) {
            rows.add(row(input, "completion: " + kind, results, r -> ofKind(r, kind), "≤ 20", 20));
        }
        rows.add(row(input, "**hover, all sites**", results, LspSession.Result::hoverMs, "≤ 20", 20));
        rows.add(row(input, "first completion in session (cold)", results, r -> List.of(r.firstCompletionMs()), "—"));
        rows.add(row(input, "first hover in session (cold)", results, r -> List.of(r.firstHoverMs()), "—"));
        rows.add(memoryRow(input, "**VmHWM (peak RSS)**, MB", results, r -> r.vmHwmKb(), true));
        rows.add(memoryRow(input, "VmRSS at end, MB", results, r -> r.vmRssKb(), false));
        rows.add(memoryRow(input, "live heap after full GC (jcmd), MB", results, r -> (long) (r.liveHeapMb() * 1024), false));
        rows.forEach(System.out::println);

        int emptyCompletions = results.stream().mapToInt(LspSession.Result::emptyCompletions).sum();
        int emptyHovers = results.stream().mapToInt(LspSession.Result::emptyHovers).sum();
        int measured = results.stream().mapToInt(r -> r.completionMs().size()).sum();
        StringBuilder notes = new StringBuilder();
        notes.append("NOTE ").append(input).append(": ").append(sessions).append(" sessions; ")
             .append(results.get(0).editRawMs().size()).append(" measured edits, ")
             .append(results.get(0).completionMs().size()).append(" completions, ")
             .append(results.get(0).hoverMs().size()).append(" hovers per session (after warm-up); ")
             .append("diagnostics at open: ").append(results.get(0).diagnosticsAtOpen()).append("; ")
             .append("empty completion results: ").append(emptyCompletions).append('/').append(measured).append("; ")
             .append("empty hovers: ").append(emptyHovers).append('/').append(measured).append("; load avg per session (before → after): ");
        for (LspSession.Result r : results) notes.append('[').append(r.loadBefore()).append(" → ").append(r.loadAfter()).append("] ");
        System.out.println(notes.toString().trim());
    }

    private static List<Double> minus(List<Double> raw, long debounceMs) {
        List<Double> out = new ArrayList<>(raw.size());
        for (double v : raw) out.add(v - debounceMs);
        return out;
    }

    private static List<Double> ofKind(LspSession.Result r, String kind) {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < r.completionMs().size(); i++) {
            if (r.completionKinds().get(i).equals(kind)) out.add(r.completionMs().get(i));
        }
        return out;
    }

    private static String row(String input, String metric, List<LspSession.Result> results,
                              Function<LspSession.Result, List<Double>> sample, String target) {
        return row(input, metric, results, sample, target, Double.NaN);
    }

    private static String row(String input, String metric, List<LspSession.Result> results,
                              Function<LspSession.Result, List<Double>> sample, String target, double targetMs) {
        List<Double> pooled = new ArrayList<>();
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (LspSession.Result r : results) {
            List<Double> s = sample.apply(r);
            pooled.addAll(s);
            double p95 = Stats.of(s).p95();
            lo = Math.min(lo, p95);
            hi = Math.max(hi, p95);
        }
        Stats s = Stats.of(pooled);
        String verdict = Double.isNaN(targetMs) ? "" : s.p95() <= targetMs ? "yes" : "no";
        return "| " + input + " | " + metric + " | " + s.n() + " | " + Stats.ms(s.median()) + " | " + Stats.ms(s.p95())
                + " | " + Stats.ms(lo) + "–" + Stats.ms(hi) + " | " + target + " | " + verdict + " |";
    }

    private static String memoryRow(String input, String metric, List<LspSession.Result> results,
                                    Function<LspSession.Result, Long> kb, boolean target) {
        List<Double> mb = new ArrayList<>();
        for (LspSession.Result r : results) mb.add(kb.apply(r) / 1024.0);
        Stats s = Stats.of(mb);
        String verdict = !target ? "" : s.max() <= 300 ? "yes" : "no";
        return "| " + input + " | " + metric + " | " + s.n() + " | " + String.format(Locale.ROOT, "%.0f", s.median())
                + " | max " + String.format(Locale.ROOT, "%.0f", s.max()) + " | "
                + String.format(Locale.ROOT, "%.0f–%.0f", s.min(), s.max()) + " | " + (target ? "≤ 300" : "—") + " | " + verdict + " |";
    }
}
