package opensafely.lsp.bench;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.lsp4j.ClientCapabilities;
import org.eclipse.lsp4j.CompletionCapabilities;
import org.eclipse.lsp4j.CompletionItem;
import org.eclipse.lsp4j.CompletionList;
import org.eclipse.lsp4j.CompletionParams;
import org.eclipse.lsp4j.DidChangeTextDocumentParams;
import org.eclipse.lsp4j.DidOpenTextDocumentParams;
import org.eclipse.lsp4j.Hover;
import org.eclipse.lsp4j.HoverCapabilities;
import org.eclipse.lsp4j.HoverParams;
import org.eclipse.lsp4j.InitializeParams;
import org.eclipse.lsp4j.InitializedParams;
import org.eclipse.lsp4j.MessageActionItem;
import org.eclipse.lsp4j.MessageParams;
import org.eclipse.lsp4j.Position;
import org.eclipse.lsp4j.PublishDiagnosticsCapabilities;
import org.eclipse.lsp4j.PublishDiagnosticsParams;
import org.eclipse.lsp4j.Range;
import org.eclipse.lsp4j.RegistrationParams;
import org.eclipse.lsp4j.ShowMessageRequestParams;
import org.eclipse.lsp4j.TextDocumentClientCapabilities;
import org.eclipse.lsp4j.TextDocumentContentChangeEvent;
import org.eclipse.lsp4j.TextDocumentIdentifier;
import org.eclipse.lsp4j.TextDocumentItem;
import org.eclipse.lsp4j.UnregistrationParams;
import org.eclipse.lsp4j.VersionedTextDocumentIdentifier;
import org.eclipse.lsp4j.WorkspaceFolder;
import org.eclipse.lsp4j.jsonrpc.Launcher;
import org.eclipse.lsp4j.jsonrpc.messages.Either;
import org.eclipse.lsp4j.launch.LSPLauncher;
import org.eclipse.lsp4j.services.LanguageClient;
import org.eclipse.lsp4j.services.LanguageServer;

/**
 * One language-server process driven as an editor would drive it, over JSON-RPC on the process's
 * stdio: initialize, open the file, type, ask for completions and hovers, read the process's memory,
 * shut down. All times are taken on the client side, so they include the protocol both ways.
 */
final class LspSession {
    /** What one session measured. Times in milliseconds. */
    record Result(double initializeMs, double firstDiagnosticsMs, int diagnosticsAtOpen,
                  List<Double> editRawMs, List<Double> appendRawMs, List<Double> completionMs, List<String> completionKinds,
                  List<Double> hoverMs, int emptyCompletions, int emptyHovers, double firstCompletionMs,
                  double firstHoverMs, long vmHwmKb, long vmRssKb, double liveHeapMb, String loadBefore,
                  String loadAfter) {
    }

    private record Published(String uri, Integer version, int count, long nanos) {
    }

    /** The editor side: records when diagnostics arrive and answers the few server-to-client requests. */
    private static final class Client implements LanguageClient {
        final BlockingQueue<Published> published = new LinkedBlockingQueue<>();

        @Override
        public void publishDiagnostics(PublishDiagnosticsParams p) {
            long now = System.nanoTime();
            published.add(new Published(p.getUri(), p.getVersion(), p.getDiagnostics().size(), now));
        }

        @Override
        public void telemetryEvent(Object object) {
        }

        @Override
        public void showMessage(MessageParams p) {
        }

        @Override
        public CompletableFuture<MessageActionItem> showMessageRequest(ShowMessageRequestParams p) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void logMessage(MessageParams p) {
        }

        @Override
        public CompletableFuture<Void> registerCapability(RegistrationParams p) {
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public CompletableFuture<Void> unregisterCapability(UnregistrationParams p) {
            return CompletableFuture.completedFuture(null);
        }
    }

    private final Options o;
    private final Client client = new Client();
    private LanguageServer server;
    private Process process;
    private String uri;
    private int version;

    record Options(String java, List<String> jvmFlags, Path jar, Path study, String file, int edits, int warmupEdits,
                   int requests, int warmupRequests, Path log) {
    }

    LspSession(Options o) {
        this.o = o;
    }

    Result run() throws Exception {
        String loadBefore = loadAverage();
        Path file = o.study().resolve(o.file()).toAbsolutePath().normalize();
        String text = Files.readString(file, StandardCharsets.UTF_8);
        uri = file.toUri().toString();
        EditSites sites = EditSites.find(o.file(), text);

        List<String> command = new ArrayList<>();
        command.add(o.java());
        command.addAll(o.jvmFlags());
        command.add("-jar");
        command.add(o.jar().toString());
        command.add("lsp");
        long t0 = System.nanoTime();
        process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.appendTo(o.log().toFile())).start();
        try {
            Launcher<LanguageServer> launcher = LSPLauncher.createClientLauncher(client, process.getInputStream(), process.getOutputStream());
            launcher.startListening();
            server = launcher.getRemoteProxy();
            server.initialize(initializeParams()).get(60, TimeUnit.SECONDS);
            double initMs = ms(System.nanoTime() - t0);
            server.initialized(new InitializedParams());

            version = 1;
            long open = System.nanoTime();
            server.getTextDocumentService().didOpen(new DidOpenTextDocumentParams(new TextDocumentItem(uri, o.file().endsWith(".py") ? "python" : "yaml", version, text)));
            Published first = awaitDiagnostics(version);
            double firstMs = ms(first.nanos() - open);

            List<Double> edits = new ArrayList<>();
            typeEdits(sites, o.warmupEdits(), null);
            typeEdits(sites, o.edits(), edits);
            List<Double> appends = new ArrayList<>();
            if (!o.file().endsWith(".py")) {
                typeNewActionsAtTheEnd(text, o.warmupEdits(), null);
                typeNewActionsAtTheEnd(text, o.edits(), appends);
            }
            if (o.requests() == 0) { // latency of edits only (bench/latency.sh)
                String loadAfter = loadAverage();
                long[] memory = memoryKb(process.pid());
                shutdown();
                return new Result(initMs, firstMs, first.count(), edits, appends, List.of(), List.of(), List.of(), 0, 0,
                        Double.NaN, Double.NaN, memory[0], memory[1], Double.NaN, loadBefore, loadAfter);
            }

            List<Double> completions = new ArrayList<>();
            List<String> kinds = new ArrayList<>();
            int[] empty = new int[2];
            double firstCompletion = completions(sites, 1, null, null, empty).get(0);
            completions(sites, o.warmupRequests(), null, null, empty);
            empty[0] = 0;
            completions(sites, o.requests(), completions, kinds, empty);

            List<Double> hovers = new ArrayList<>();
            double firstHover = hovers(sites, 1, null, empty).get(0);
            hovers(sites, o.warmupRequests(), null, empty);
            empty[1] = 0;
            hovers(sites, o.requests(), hovers, empty);

            long[] memory = memoryKb(process.pid());
            double live = liveHeapMb(process.pid());
            String loadAfter = loadAverage();
            shutdown();
            return new Result(initMs, firstMs, first.count(), edits, appends, completions, kinds, hovers, empty[0], empty[1],
                    firstCompletion, firstHover, memory[0], memory[1], live, loadBefore, loadAfter);
        } finally {
            if (process.isAlive()) process.destroyForcibly();
        }
    }

    private InitializeParams initializeParams() {
        InitializeParams p = new InitializeParams();
        p.setProcessId((int) ProcessHandle.current().pid());
        String root = o.study().toAbsolutePath().normalize().toUri().toString();
        p.setRootUri(root);
        p.setWorkspaceFolders(List.of(new WorkspaceFolder(root, "study")));
        TextDocumentClientCapabilities td = new TextDocumentClientCapabilities();
        PublishDiagnosticsCapabilities diag = new PublishDiagnosticsCapabilities();
        diag.setVersionSupport(true);
        diag.setRelatedInformation(true);
        td.setPublishDiagnostics(diag);
        td.setCompletion(new CompletionCapabilities());
        HoverCapabilities hover = new HoverCapabilities();
        hover.setContentFormat(List.of("markdown", "plaintext"));
        td.setHover(hover);
        ClientCapabilities caps = new ClientCapabilities();
        caps.setTextDocument(td);
        p.setCapabilities(caps);
        return p;
    }

    /**
     * Types in pairs that leave the text as it was, so the sites stay valid: add one character at an edit
     * site (a typo the rules then report), then delete it. Each edit waits for the diagnostics of its own
     * version, so edits are spaced by more than the debounce and each edit is one analysis.
     */
    private void typeEdits(EditSites sites, int count, List<Double> out) throws Exception {
        for (int k = 0; k < count; k += 2) {
            EditSites.Site s = EditSites.pick(sites.edits(), k / 2, Math.max(1, count / 2));
            Position at = new Position(s.line(), s.character());
            Position after = new Position(s.line(), s.character() + 1);
            record(out, change(new Range(at, at), "x"));
            if (k + 1 < count) record(out, change(new Range(at, after), ""));
        }
    }

    /**
     * Types new actions after the last line of the file, one character per edit, as a person adds an action
     * at the end of project.yaml: most of the texts on the way do not parse (a key without its colon, a
     * half-typed run line). The action needs one that does not exist (a typo the rules report). After each
     * whole action, or when {@code count} keystrokes are done, the typed text is deleted again in one edit
     * (not measured), so the file is as it was.
     */
    private void typeNewActionsAtTheEnd(String original, int count, List<Double> out) throws Exception {
        String[] lines = original.split("\n", -1);
        int endLine = lines.length - 1; // text ends with a line break: the empty last line
        int endCol = lines[endLine].length();
        if (endCol > 0) throw new IllegalStateException("the benchmark's project.yaml must end with a line break");
        int typed = 0;
        int n = 0;
        while (typed < count) {
            String action = "  bench_appended_" + (n++) + ":\n"
                    + "    run: r:latest analysis/bench_appended.R\n"
                    + "    needs: [bench_missing_action]\n"
                    + "    outputs:\n"
                    + "      moderately_sensitive:\n"
                    + "        table: output/bench_appended.csv\n";
            int line = endLine;
            int col = 0;
            for (int i = 0; i < action.length() && typed < count; i++, typed++) {
                Position at = new Position(line, col);
                record(out, change(new Range(at, at), String.valueOf(action.charAt(i))));
                if (action.charAt(i) == '\n') {
                    line++;
                    col = 0;
                } else {
                    col++;
                }
            }
            change(new Range(new Position(endLine, 0), new Position(line, col)), "");
        }
    }

    private static void record(List<Double> out, double ms) {
        if (out != null) out.add(ms);
    }

    private double change(Range range, String newText) throws Exception {
        version++;
        var params = new DidChangeTextDocumentParams(new VersionedTextDocumentIdentifier(uri, version),
                List.of(new TextDocumentContentChangeEvent(range, newText)));
        long t0 = System.nanoTime();
        server.getTextDocumentService().didChange(params);
        Published p = awaitDiagnostics(version);
        return ms(p.nanos() - t0);
    }

    /** Waits for the diagnostics of this version of the file; older ones still in flight are skipped. */
    private Published awaitDiagnostics(int expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            long left = deadline - System.nanoTime();
            Published p = client.published.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
            if (p == null) throw new TimeoutException("no publishDiagnostics for version " + expected + " within 30 s");
            if (!p.uri().equals(uri)) continue;
            // A server that omits the version: with one edit in flight, the next publish is this one.
            if (p.version() == null || p.version() == expected) return p;
        }
    }

    private List<Double> completions(EditSites sites, int count, List<Double> out, List<String> kinds, int[] empty) throws Exception {
        List<Double> times = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            EditSites.Site s = EditSites.pick(sites.completions(), k, count);
            CompletionParams p = new CompletionParams(new TextDocumentIdentifier(uri), new Position(s.line(), s.character()));
            long t0 = System.nanoTime();
            Either<List<CompletionItem>, CompletionList> r = server.getTextDocumentService().completion(p).get(30, TimeUnit.SECONDS);
            double ms = ms(System.nanoTime() - t0);
            int items = r == null ? 0 : r.isLeft() ? r.getLeft().size() : r.getRight().getItems().size();
            if (items == 0) empty[0]++;
            times.add(ms);
            if (out != null) {
                out.add(ms);
                kinds.add(sites.completions().get(k % sites.completions().size()).name());
            }
        }
        return times;
    }

    private List<Double> hovers(EditSites sites, int count, List<Double> out, int[] empty) throws Exception {
        List<Double> times = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            EditSites.Site s = EditSites.pick(sites.hovers(), k, count);
            HoverParams p = new HoverParams(new TextDocumentIdentifier(uri), new Position(s.line(), s.character()));
            long t0 = System.nanoTime();
            Hover h = server.getTextDocumentService().hover(p).get(30, TimeUnit.SECONDS);
            double ms = ms(System.nanoTime() - t0);
            if (h == null || h.getContents() == null) empty[1]++;
            times.add(ms);
            if (out != null) out.add(ms);
        }
        return times;
    }

    private void shutdown() throws Exception {
        try {
            server.shutdown().get(10, TimeUnit.SECONDS);
            server.exit();
        } catch (Exception e) {
            System.err.println("shutdown failed: " + e);
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            System.err.println("server did not exit within 10 s of `exit`; killing it");
            process.destroyForcibly();
        }
    }

    /** VmHWM (peak resident set) and VmRSS from /proc, in kB; -1 where unavailable. */
    static long[] memoryKb(long pid) {
        long hwm = -1;
        long rss = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) hwm = kb(line);
                if (line.startsWith("VmRSS:")) rss = kb(line);
            }
        } catch (IOException e) {
            // not Linux, or the process is gone
        }
        return new long[] {hwm, rss};
    }

    /**
     * Heap still in use after a full collection (jcmd GC.run, then GC.heap_info), in MB; NaN when jcmd is
     * missing. Tells live data apart from heap the JVM merely kept committed, which is what RSS shows.
     */
    static double liveHeapMb(long pid) {
        try {
            jcmd(pid, "GC.run");
            long usedKb = 0;
            boolean found = false;
            for (String line : jcmd(pid, "GC.heap_info")) {
                String t = line.trim();
                if (t.startsWith("Metaspace") || t.startsWith("class space")) continue;
                if (!(t.contains("heap") || t.contains("generation"))) continue;
                var m = java.util.regex.Pattern.compile("used (\\d+)K").matcher(t);
                if (m.find()) {
                    usedKb += Long.parseLong(m.group(1));
                    found = true;
                }
            }
            return found ? usedKb / 1024.0 : Double.NaN;
        } catch (IOException | InterruptedException e) {
            return Double.NaN;
        }
    }

    private static List<String> jcmd(long pid, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("jcmd", Long.toString(pid), command).redirectErrorStream(true).start();
        List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        p.waitFor(30, TimeUnit.SECONDS);
        return lines;
    }

    private static long kb(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(new File("/proc/loadavg").toPath()).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "n/a";
        }
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }
}
