package opensafely.lsp.codelists;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * OpenCodelists on 127.0.0.1 for tests: serves the CSVs it is given at /codelist/ID/download.csv, a draft as
 * OpenCodelists does (a redirect to an HTML page), 404 otherwise, and answers /api/v1/check/ with
 * {@code checkAnswer}. It records the requests it got.
 */
public final class FakeOpenCodelists implements AutoCloseable {
    public final Map<String, String> csvs = new ConcurrentHashMap<>();
    final List<String> drafts = new CopyOnWriteArrayList<>();
    public final List<String> requests = new CopyOnWriteArrayList<>();
    public volatile String checkAnswer = "{\"status\": \"ok\"}";
    public volatile int checkStatus = 200;
    volatile String lastCheckForm;
    private final HttpServer server;

    public FakeOpenCodelists() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        String path = ex.getRequestURI().getPath();
        requests.add(ex.getRequestMethod() + " " + path + " " + ex.getRequestHeaders().getFirst("User-Agent"));
        if (path.equals("/api/v1/check/")) {
            lastCheckForm = URLDecoder.decode(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8), StandardCharsets.UTF_8);
            send(ex, checkStatus, checkStatus == 200 ? "application/json" : "text/html", checkAnswer);
        } else if (path.equals("/builder/draft/")) {
            send(ex, 200, "text/html", "<html><p>This version is a draft.</p></html>");
        } else if (path.startsWith("/codelist/") && path.endsWith("/download.csv")) {
            String id = path.substring("/codelist/".length(), path.length() - "/download.csv".length());
            if (drafts.contains(id)) {
                ex.getResponseHeaders().add("Location", "/builder/draft/");
                send(ex, 302, "text/html", "");
            } else if (csvs.containsKey(id)) {
                send(ex, 200, "text/csv", csvs.get(id));
            } else {
                send(ex, 404, "text/html", "<html>Not found</html>");
            }
        } else {
            send(ex, 404, "text/html", "<html>Not found</html>");
        }
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
