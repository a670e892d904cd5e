package opensafely.lsp.lsp;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped server fed what a broken or hostile client sends: garbage bytes, malformed JSON, requests
 * and notifications with null params, a cancel for a request it never saw. It keeps serving, answers
 * with clean errors, and its stderr (which editors show to users, VS Code as red "[error]" lines) has
 * one line per event: no stack trace, and nothing at all for a routine late cancel.
 */
class ProtocolRobustnessE2ETest {
    @TempDir
    Path tmp;

    private static byte[] message(String json) {
        byte[] body = json.getBytes(UTF_8);
        return concat(("Content-Length: " + body.length + "\r\n\r\n").getBytes(UTF_8), body);
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return out.toByteArray();
    }

    @Test
    void garbageAndNullParamsNeverPrintAStackTrace() throws Exception {
        Path jar = Path.of(System.getProperty("server.jar", "target/opensafely-lsp.jar")).toAbsolutePath();
        assertTrue(Files.isRegularFile(jar), "server jar not built: " + jar);
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString(), "lsp"))
                .redirectOutput(tmp.resolve("out.txt").toFile())
                .redirectError(tmp.resolve("err.txt").toFile())
                .start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(concat(
                    new byte[] {0, (byte) 0xff, ' ', 'x', '\r', '\n', '\r', '\n'},
                    "no header here\r\nContent-Length: 5\r\n\r\n{{{{{".getBytes(UTF_8),
                    message("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"capabilities\":{}}}"),
                    message("{\"jsonrpc\":\"2.0\",\"method\":\"$/cancelRequest\",\"params\":{\"id\":999}}"),
                    message("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"textDocument/hover\",\"params\":null}"),
                    message("{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/didOpen\",\"params\":null}"),
                    message("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"shutdown\"}"),
                    message("{\"jsonrpc\":\"2.0\",\"method\":\"exit\"}")));
        }
        boolean ended = p.waitFor(60, TimeUnit.SECONDS);
        if (!ended) p.destroyForcibly().waitFor();
        assertTrue(ended, "the server did not end after `exit`");
        String out = Files.readString(tmp.resolve("out.txt"), UTF_8);
        String err = Files.readString(tmp.resolve("err.txt"), UTF_8);

        assertEquals(0, p.exitValue(), err);
        assertTrue(out.contains("\"id\":1,\"result\":{\"capabilities\""), "still initialises after garbage: " + out);
        assertTrue(out.contains("\"id\":2,\"error\":{\"code\":-32603"), "a clean error for null params: " + out);
        assertFalse(out.contains("\"data\""), "no stack trace in an error's data: " + out);
        assertTrue(out.contains("\"id\":3,\"result\":null"), out);
        assertFalse(err.contains("\tat ") || err.contains("Exception in thread"), "a stack trace on stderr:\n" + err);
        assertFalse(err.contains("Unmatched cancel"), "a routine late cancel reported:\n" + err);
        assertTrue(err.lines().allMatch(l -> l.startsWith("opensafely-lsp: ")), "stray stderr lines:\n" + err);
    }
}
