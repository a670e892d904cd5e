package opensafely.lsp.codelists;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Downloads codelist versions from OpenCodelists (or a mirror given by --base-url) as the OpenSAFELY CLI
 * does: GET {@code /codelist/<id>/download.csv}, redirects followed, and only a {@code text/csv} answer is a
 * codelist (a draft version redirects to an HTML page).
 */
public final class OpenCodelists implements CodelistSource {
    public static final String DEFAULT_BASE_URL = "https://www.opencodelists.org";

    private final String baseUrl;
    private final String userAgent;
    private final HttpClient http;

    public OpenCodelists(String baseUrl, String toolVersion) {
        this.baseUrl = baseUrl;
        this.userAgent = "opensafely-lsp/" + toolVersion;
        this.http = HttpClient.newBuilder()
                .followRedirects(HttpClient.Redirect.NORMAL)
                .connectTimeout(Duration.ofSeconds(20))
                .build();
    }

    @Override
    public String baseUrl() {
        return baseUrl;
    }

    @Override
    public byte[] download(CodelistLine codelist) throws DownloadFailed {
        String url = codelist.downloadUrl(baseUrl);
        HttpResponse<byte[]> response;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                    .header("User-Agent", userAgent)
                    .timeout(Duration.ofSeconds(60))
                    .GET().build();
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException | IllegalArgumentException e) {
            throw new DownloadFailed("could not download " + url + " (" + e.getMessage() + "); check that "
                    + codelist.pageUrl(baseUrl) + " opens in a browser");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DownloadFailed("the download of " + url + " was interrupted");
        }
        if (response.statusCode() / 100 != 2) {
            throw new DownloadFailed("OpenCodelists answered " + response.statusCode() + " for " + url
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

    /** OpenCodelists' verdict on a study's codelists: whether the downloaded versions are still current. */
    public record UpstreamVerdict(boolean reachable, List<String> problems) {
    }

    /**
     * Asks OpenCodelists whether codelists.json matches what it serves today for each line of codelists.txt
     * (POST {@code /api/v1/check/}, form-encoded). An unreachable server is not a finding: the local check
     * already passed, and CI without network must not fail on it.
     */
    public UpstreamVerdict checkUpstream(String codelistsTxt, String manifestJson) {
        String form = "codelists=" + URLEncoder.encode(codelistsTxt, StandardCharsets.UTF_8)
                + "&manifest=" + URLEncoder.encode(manifestJson, StandardCharsets.UTF_8);
        String url = stripSlash(baseUrl) + "/api/v1/check/";
        HttpResponse<String> response;
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                    .header("User-Agent", userAgent)
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofString(form)).build();
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException | IllegalArgumentException e) {
            return new UpstreamVerdict(false, List.of());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new UpstreamVerdict(false, List.of());
        }
        JsonNode answer;
        try {
            answer = new ObjectMapper().readTree(response.body());
        } catch (IOException e) {
            return new UpstreamVerdict(true, List.of("OpenCodelists gave an answer that is not JSON (HTTP " + response.statusCode() + ")."));
        }
        if ("ok".equals(answer.path("status").asText())) return new UpstreamVerdict(true, List.of());
        JsonNode data = answer.path("data");
        List<String> problems = new ArrayList<>();
        if (data.has("error")) {
            problems.add("OpenCodelists says: " + data.path("error").asText());
        } else if (data.path("added").size() > 0 || data.path("removed").size() > 0) {
            problems.add("Codelists have been added to or removed from codelists.txt since the last update.");
        } else {
            List<String> changed = new ArrayList<>();
            data.path("changed").forEach(n -> changed.add(n.asText()));
            problems.add("Some codelists are out of date: " + String.join(", ", changed) + ".");
        }
        return new UpstreamVerdict(true, problems);
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
