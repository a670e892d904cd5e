package opensafely.lsp.cli;

import java.io.ByteArrayInputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Callable;
import opensafely.lsp.features.StudyLanguageService;
import opensafely.lsp.lsp.LanguageServerSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * `lsp [--port N]`: the language server on stdio (how editors start it), or on TCP 127.0.0.1:N for one
 * client (handy for debugging: start it in a terminal, point the editor at the port).
 */
@Command(name = "lsp", mixinStandardHelpOptions = true, description = "Run the language server (stdio, or TCP with --port).")
public final class LspCommand implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "N",
            description = "Listen on TCP 127.0.0.1:N for one client instead of using stdin/stdout (0: any free port).")
    Integer port;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (port != null && (port < 0 || port > 65535)) {
            throw new ParameterException(spec.commandLine(), "--port must be between 0 and 65535, not " + port);
        }
        // Bind before touching the streams, so that a busy port is one line on stderr and exit code 2.
        ServerSocket listening = null;
        if (port != null) {
            try {
                listening = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"));
            } catch (BindException e) {
                System.err.println("opensafely-lsp lsp: cannot listen on 127.0.0.1:" + port
                        + ": the port is in use or not allowed; choose another with --port (0 picks a free one).");
                return 2;
            }
        }
        // stdout carries the protocol. Keep the real streams for the connection and send anything else
        // that prints (a library, a stray debug line) to stderr, where it cannot corrupt a message.
        InputStream in = new FileInputStream(FileDescriptor.in);
        OutputStream out = new FileOutputStream(FileDescriptor.out);
        System.setOut(System.err);
        System.setIn(new ByteArrayInputStream(new byte[0]));
        if (listening == null) {
            return serve(in, out);
        }
        try (ServerSocket server = listening) {
            System.err.println("opensafely-lsp: listening on 127.0.0.1:" + server.getLocalPort());
            try (Socket socket = server.accept()) {
                return serve(socket.getInputStream(), socket.getOutputStream());
            }
        }
    }

    private static int serve(InputStream in, OutputStream out) {
        return LanguageServerSession.serve(new StudyLanguageService(), Main.version(), in, out);
    }
}
