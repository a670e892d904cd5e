package opensafely.lsp.codelists;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-1 that codelists.json records for a CSV, computed as OpenSAFELY and OpenCodelists compute it: over
 * the lines of the file joined with '\n', whatever their line endings were, with no newline at the end. So a
 * CSV checked out with Windows line endings still matches its manifest.
 */
public final class CsvDigest {
    private CsvDigest() {
    }

    public static String sha1(byte[] csv) {
        String text = new String(csv, StandardCharsets.UTF_8);
        String normalised = String.join("\n", text.split("\r\n|\r|\n", -1));
        // Python's splitlines() drops the empty string after a final terminator; split(-1) keeps it.
        if (normalised.endsWith("\n") && (text.endsWith("\n") || text.endsWith("\r"))) {
            normalised = normalised.substring(0, normalised.length() - 1);
        }
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            return HexFormat.of().formatHex(sha1.digest(normalised.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-1", e);
        }
    }
}
