package dev.gatehouse.auth.support;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;

/**
 * One HTTP/1.1 connection on a plain socket, for tests about the connection itself: when a
 * request is written and on which connection, which an HTTP client library decides for itself.
 * Knows just enough HTTP to find where each response ends (Content-Length or chunked).
 */
public final class RawHttpConnection implements AutoCloseable {

    private final Socket socket;
    private final OutputStream out;
    private final InputStream in;

    public RawHttpConnection(int port, Duration readTimeout) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout((int) readTimeout.toMillis());
        out = socket.getOutputStream();
        in = new BufferedInputStream(socket.getInputStream());
    }

    /** Writes the requests in one write, so that more than one are pipelined. */
    public void write(String... requests) throws IOException {
        out.write(String.join("", requests).getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /**
     * Reads one whole response and returns its status code.
     *
     * @throws java.net.SocketTimeoutException when none comes within the read timeout
     */
    public int readResponse() throws IOException {
        String head = readHead();
        String headers = head.toLowerCase(Locale.ROOT);
        String length = header(headers, "content-length");
        if (length != null) {
            in.readNBytes(Integer.parseInt(length));
        } else if ("chunked".equals(header(headers, "transfer-encoding"))) {
            skipChunks();
        }
        return Integer.parseInt(head.substring(9, 12));
    }

    public static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: gatehouse.test\r\n\r\n";
    }

    public static String postForm(String path, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: gatehouse.test\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + body.getBytes(StandardCharsets.ISO_8859_1).length + "\r\n\r\n" + body;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed by the server after " + head.size() + " bytes of a response");
            }
            head.write(b);
            boolean expected = b == (matched % 2 == 0 ? '\r' : '\n');
            matched = expected ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    private void skipChunks() throws IOException {
        int size;
        do {
            size = Integer.parseInt(readLine().split(";", 2)[0].trim(), 16);
            in.readNBytes(size + 2);
        } while (size > 0);
    }

    private String readLine() throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed by the server inside a chunked body");
            }
            line.append((char) b);
        }
        return line.toString();
    }

    private static String header(String lowerCaseHead, String name) {
        int start = lowerCaseHead.indexOf("\r\n" + name + ":");
        if (start < 0) {
            return null;
        }
        int valueStart = start + name.length() + 3;
        return lowerCaseHead.substring(valueStart, lowerCaseHead.indexOf('\r', valueStart)).trim();
    }
}
