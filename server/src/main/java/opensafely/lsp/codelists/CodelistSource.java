package opensafely.lsp.codelists;

/** Where codelist CSVs come from: OpenCodelists over HTTP, or a stand-in in tests. */
public interface CodelistSource {
    /** The CSV of one codelist version, as served. */
    byte[] download(CodelistLine codelist) throws DownloadFailed;

    /** The base URL recorded in the manifest's {@code url} fields. */
    String baseUrl();

    /** Why a codelist could not be downloaded, in words for the user. */
    final class DownloadFailed extends Exception {
        public DownloadFailed(String message) {
            super(message);
        }
    }
}
