package opensafely.lsp.workspace;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import opensafely.lsp.diagnostics.Diagnostic;
import opensafely.lsp.diagnostics.Rule;
import opensafely.lsp.text.LineIndex;
import opensafely.lsp.text.Position;
import opensafely.lsp.text.Range;

/**
 * A file's bytes as the editor would see them: strict UTF-8, without a leading byte-order mark (editors
 * drop it, and keeping it would shift every column of the first line by one).
 *
 * <p>Bytes that are not UTF-8 are not replaced with U+FFFD, which would let the analysis report on text
 * the user never wrote: the file instead gets one {@link Rule#FILE_ENCODING} finding at the first bad
 * byte, and {@code text} is the valid part before it.
 */
public record SourceText(String text, Optional<Diagnostic> encodingProblem) {

    public static SourceText decode(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never decodes to more chars than bytes
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        out.flip();
        String text = withoutBom(out.toString());
        if (!result.isError()) {
            return new SourceText(text, Optional.empty());
        }
        int badOffset = in.position();
        Position at = new LineIndex(text).position(text.length());
        String message = String.format(Locale.ROOT,
                "The file is not valid UTF-8: byte 0x%02X (at byte offset %d) cannot be decoded. Re-save the file as UTF-8.",
                bytes[badOffset] & 0xff, badOffset);
        return new SourceText(text, Optional.of(Diagnostic.of(Rule.FILE_ENCODING, Range.at(at), message)));
    }

    private static String withoutBom(String s) {
        return s.startsWith("\uFEFF") ? s.substring(1) : s;
    }
}
