package opensafely.lsp.codelists;

/**
 * One codelist named in codelists.txt: {@code org/slug/version} or {@code user/name/slug/version}.
 *
 * @param id      the line as OpenSAFELY normalises it (trimmed, trailing slashes removed)
 * @param key     the id without its version: two lines with the same key name the same codelist
 * @param version a version's hash id or tag
 * @param line    zero-based line in codelists.txt; {@code start}/{@code end} the id's columns on it
 */
public record CodelistLine(String id, String key, String version, int line, int start, int end) {

    /** The CSV file the codelist is downloaded to: the key's parts joined with '-', without the version. */
    public String fileName() {
        return key.replace('/', '-') + ".csv";
    }

    /** The codelist version's page on OpenCodelists (with the trailing slash the manifest records). */
    public String pageUrl(String baseUrl) {
        return stripSlash(baseUrl) + "/codelist/" + id + "/";
    }

    public String downloadUrl(String baseUrl) {
        return pageUrl(baseUrl) + "download.csv";
    }

    private static String stripSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
