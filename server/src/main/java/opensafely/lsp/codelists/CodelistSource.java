package opensafely.lsp.codelists;

/** Where codelist CSVs come from: OpenCodelists over HTTP, or a stand-in in tests. */
public interface CodelistSource {
    /** The CSV of one codelist version, as served. */
    byte[] download(CodelistLine codelist) throws DownloadFailed;

    /** The base URL recorded in the manifest's {@code url} fields. */
    String baseUrl();

    /**
     * Why a codelist could not be downloaded, in words for the user. {@code unreachable}: the network or the
     * server failed (no answer, a timeout, a 5xx, a body over the limit), which says nothing about the study;
     * otherwise the server answered that there is no such codelist version.
     */
    final class DownloadFailed extends Exception {
        private final boolean unreachable;

        public DownloadFailed(String message) {
            this(message, false);
        }

        public DownloadFailed(String message, boolean unreachable) {
            super(message);
            this.unreachable = unreachable;
        }

        public boolean unreachable() {
            return unreachable;
        }
    }
}
