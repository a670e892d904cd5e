package opensafely.lsp.codelists;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import opensafely.lsp.workspace.Excerpt;

/**
 * Downloads codelist versions from OpenCodelists (or a mirror given by --base-url) as the OpenSAFELY CLI
 * does: GET {@code /codelist/<id>/download.csv}, redirects followed, and only a {@code text/csv} answer is a
 * codelist (a draft version redirects to an HTML page).
 *
 * <p>Every exchange is bounded ({@link Limits}): in time as a whole, body included (a server that sends the
 * headers and half a body and then nothing must not hold the editor or CI forever), and in size (the body is
 * collected by {@link LimitedBody}, which gives up past the limit rather than exhaust the heap).
 */
public final class OpenCodelists implements CodelistSource {
    public static final String DEFAULT_BASE_URL = "https://www.opencodelists.org";

    /**
     * How long one exchange may take from connecting to the last byte, and how big an answer may be. The
     * defaults can be changed with the system properties {@code opensafely.lsp.download.seconds} and
     * {@code opensafely.lsp.download.max-bytes} (tests set them low).
     */
    public record Limits(Duration total, long maxBytes) {
        public static Limits defaults() {
            return new Limits(Duration.ofSeconds(Long.getLong("opensafely.lsp.download.seconds", 120)),
                    Long.getLong("opensafely.lsp.download.max-bytes", 64L << 20));
        }
    }

    private final String baseUrl;
    private final String userAgent;
    private final Limits limits;
    private final HttpClient http;

    public OpenCodelists(String baseUrl, String toolVersion) {
        this(baseUrl, toolVersion, Limits.defaults());
    }

    public OpenCodelists(String baseUrl, String toolVersion, Limits limits) {
        this.baseUrl = baseUrl;
        this.userAgent = "opensafely-lsp/" + toolVersion;
        this.limits = limits;
        Duration connect = limits.total().compareTo(Duration.ofSeconds(20)) < 0 ? limits.total() : Duration.ofSeconds(20);
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(connect)
                .build();
    }

    /** Why a base URL cannot be used, if it cannot: it must be an absolute http(s) URL with a host. */
    public static Optional<String> invalidBaseUrl(String url) {
        String why = "'" + Excerpt.of(url) + "' is not an http(s) address such as " + DEFAULT_BASE_URL;
        try {
            URI u = new URI(url);
            String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null || u.getRawQuery() != null
                    || u.getRawFragment() != null) {
                return Optional.of(why);
            }
            return Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.of(why);
        }
    }

    @Override
    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public byte[] download(CodelistLine codelist) throws DownloadFailed {
        String url = codelist.downloadUrl(baseUrl);
        HttpResponse<byte[]> response = exchange(url, HttpRequest.newBuilder().GET());
        int status = response.statusCode();
        if (status / 100 != 2) {
            if (serverTrouble(status)) {
                throw new DownloadFailed(host(url) + " answered HTTP " + status + " for " + codelist.id() + "; try again later", true);
            }
            throw new DownloadFailed("OpenCodelists answered " + status + " for " + url
                    + "; check the codelist and version at " + codelist.pageUrl(baseUrl));
        }
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (!type.toLowerCase(Locale.ROOT).startsWith("text/csv")) {
            String body = new String(response.body(), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
            if (body.contains("this version is a draft")) {
                throw new DownloadFailed(codelist.id() + " is a draft; publish the version on OpenCodelists (or pick a published one) first");
            }
            throw new DownloadFailed("no codelist found at " + url);
        }
        return response.body();
    }

    /**
     * OpenCodelists' verdict on a study's codelists: whether the downloaded versions are still current. When
     * the server could not be asked, {@code reachable} is false and {@code failure} says why, in one line.
     */
    public record UpstreamVerdict(boolean reachable, List<String> problems, String failure) {
        public UpstreamVerdict(boolean reachable, List<String> problems) {
            this(reachable, problems, null);
        }
    }

    /**
     * Asks OpenCodelists whether codelists.json matches what it serves today for each line of codelists.txt
     * (POST {@code /api/v1/check/}, form-encoded). A server that cannot be reached, or answers with an error
     * page rather than a verdict, is not a finding about the study: that comes back as not reachable.
     */
    public UpstreamVerdict checkUpstream(String codelistsTxt, String manifestJson) {
        String form = "codelists=" + URLEncoder.encode(codelistsTxt, StandardCharsets.UTF_8)
                + "&manifest=" + URLEncoder.encode(manifestJson, StandardCharsets.UTF_8);
        String url = stripSlash(baseUrl) + "/api/v1/check/";
        HttpResponse<byte[]> response;
        try {
            response = exchange(url, HttpRequest.newBuilder()
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)));
        } catch (DownloadFailed e) {
            return new UpstreamVerdict(false, List.of(), e.getMessage());
        }
        if (response.statusCode() / 100 != 2) {
            return new UpstreamVerdict(false, List.of(), host(url) + " answered HTTP " + response.statusCode() + " to the check");
        }
        JsonNode answer;
        try {
            answer = new ObjectMapper().readTree(response.body());
        } catch (IOException e) {
            answer = null;
        }
        if (answer == null || !answer.isObject() || !answer.has("status")) {
            return new UpstreamVerdict(false, List.of(), host(url) + " answered the check with something that is not a verdict");
        }
        if ("ok".equals(answer.path("status").asText())) return new UpstreamVerdict(true, List.of());
        JsonNode data = answer.path("data");
        List<String> problems = new ArrayList<>();
        if (data.has("error")) {
            problems.add("OpenCodelists says: " + Excerpt.of(data.path("error").asText(), 300));
        } else if (data.path("added").size() > 0 || data.path("removed").size() > 0) {
            problems.add("Codelists have been added to or removed from codelists.txt since the last update.");
        } else {
            List<String> changed = new ArrayList<>();
            data.path("changed").forEach(n -> {
                if (changed.size() < 50) changed.add(Excerpt.of(n.asText()));
            });
            problems.add("Some codelists are out of date: " + String.join(", ", changed) + ".");
        }
        return new UpstreamVerdict(true, problems);
    }

    /** One bounded exchange: the whole of it within {@link Limits#total()}, the body within {@link Limits#maxBytes()}. */
    private HttpResponse<byte[]> exchange(String url, HttpRequest.Builder builder) throws DownloadFailed {
        HttpRequest request;
        try {
            request = builder.uri(URI.create(url)).header("User-Agent", userAgent).timeout(limits.total()).build();
        } catch (IllegalArgumentException e) {
            throw new DownloadFailed("'" + Excerpt.of(url) + "' is not a valid address");
        }
        CompletableFuture<HttpResponse<byte[]>> answer = http.sendAsync(request, info -> new LimitedBody(limits.maxBytes()));
        try {
            return answer.get(limits.total().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            answer.cancel(true);
            throw new DownloadFailed("could not download from " + host(url) + ": no complete answer within " + seconds(), true);
        } catch (ExecutionException e) {
            throw new DownloadFailed("could not download from " + host(url) + ": " + cause(e.getCause()), true);
        } catch (InterruptedException e) {
            answer.cancel(true);
            Thread.currentThread().interrupt();
            throw new DownloadFailed("the download from " + host(url) + " was interrupted", true);
        }
    }

    /** The reason for a failed exchange in a few words (a refused connection's exception has no message at all). */
    private String cause(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof LimitedBody.TooLarge) return "the answer is larger than " + (limits.maxBytes() >> 20 > 0
                    ? (limits.maxBytes() >> 20) + " MB" : limits.maxBytes() + " bytes");
            if (c instanceof java.net.http.HttpConnectTimeoutException) return "no connection within " + seconds();
            if (c instanceof java.net.http.HttpTimeoutException) return "no complete answer within " + seconds();
            if (c instanceof java.net.UnknownHostException || c instanceof java.nio.channels.UnresolvedAddressException) {
                return "host not found";
            }
            if (c instanceof java.net.ConnectException) return "connection refused";
            if (c instanceof javax.net.ssl.SSLException) return "secure connection failed" + detail(c);
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        if (root instanceof java.io.EOFException || String.valueOf(root.getMessage()).toLowerCase(Locale.ROOT).contains("closed")) {
            return "the connection was closed before the answer was complete";
        }
        return "network error (" + root.getClass().getSimpleName() + detail(root) + ")";
    }

    private static String detail(Throwable t) {
        return t.getMessage() == null || t.getMessage().isBlank() ? "" : ": " + Excerpt.of(t.getMessage());
    }

    private String seconds() {
        long ms = limits.total().toMillis();
        return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
    }

    /** Server trouble rather than a wrong codelist: try again later. */
    private static boolean serverTrouble(int status) {
        return status >= 500 || status == 408 || status == 429;
    }

    /** The host (and port) of a URL, for messages. */
    static String host(String url) {
        try {
            URI u = URI.create(url);
            if (u.getHost() != null) return u.getPort() < 0 ? u.getHost() : u.getHost() + ":" + u.getPort();
        } catch (IllegalArgumentException e) {
            // fall through
        }
        return "'" + Excerpt.of(url) + "'";
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
