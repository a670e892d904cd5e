package opensafely.lsp.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The scanning shortcuts of {@link OutputPath} agree with the plain definitions they stand for. */
class OutputPathTest {
    private static final Pattern WINDOWS_DRIVE_ROOT = Pattern.compile("^[A-Za-z]:[/\\\\].*");
    private static final Pattern UNC = Pattern.compile("^[/\\\\]{2}[^/\\\\]+[/\\\\]+[^/\\\\]+.*");

    @Test
    void shortcutsAgreeWithTheDefinitions() {
        Random random = new Random(3);
        for (int n = 0; n < 50_000; n++) {
            String path = path(random);
            assertEquals(path.equals(OutputPath.normpath(path)), OutputPath.isNormal(path), "normal: " + path);
            String last = lastComponentBySplitting(path);
            assertEquals(last, OutputPath.lastComponent(path), "last component: " + path);
            int dot = last.lastIndexOf('.');
            assertEquals(dot <= 0 || dot == last.length() - 1 ? "" : last.substring(dot), OutputPath.suffix(path), "suffix: " + path);
            boolean absolute = path.startsWith("/") || WINDOWS_DRIVE_ROOT.matcher(path).matches() || UNC.matcher(path).matches();
            assertEquals(absolute, OutputPath.isAbsolute(path), "absolute: " + path);
        }
    }

    @Test
    void examples() {
        assertEquals(true, OutputPath.isNormal("output/model/a.csv"));
        assertEquals(true, OutputPath.isNormal("."));
        assertEquals(true, OutputPath.isNormal("../a.csv"));
        assertEquals(false, OutputPath.isNormal("output/./a.csv"));
        assertEquals(false, OutputPath.isNormal("output//a.csv"));
        assertEquals(false, OutputPath.isNormal("output/"));
        assertEquals(false, OutputPath.isNormal(""));
        assertEquals("b", OutputPath.lastComponent("a/b/./"));
        assertEquals(true, OutputPath.isAbsolute("C:\\data\\a.csv"));
        assertEquals(true, OutputPath.isAbsolute("\\\\server\\share\\a.csv"));
        assertEquals(false, OutputPath.isAbsolute("C:a.csv"));
    }

    private static String lastComponentBySplitting(String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            if (!parts[i].isEmpty() && !parts[i].equals(".")) return parts[i];
        }
        return "";
    }

    /** Short paths over the characters the rules care about, so every odd case comes up. */
    private static String path(Random random) {
        String alphabet = "a/./..//\\:Cb\n";
        StringBuilder b = new StringBuilder();
        for (int i = random.nextInt(9); i > 0; i--) b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        return b.toString();
    }
}
