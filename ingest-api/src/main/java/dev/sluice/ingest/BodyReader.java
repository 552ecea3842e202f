package dev.sluice.ingest;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Reads a request body, inflating gzip, and stops as soon as the decoded size passes the limit, so a
 * gzip bomb or an endless chunked body never costs more than the limit in memory.
 */
public final class BodyReader {

    private final int maxDecodedBytes;

    public BodyReader(int maxDecodedBytes) {
        this.maxDecodedBytes = maxDecodedBytes;
    }

    public byte[] read(InputStream raw, String contentEncoding) {
        String encoding = contentEncoding == null ? "identity" : contentEncoding.trim().toLowerCase(Locale.ROOT);
        try {
            InputStream in = switch (encoding) {
                case "", "identity" -> raw;
                case "gzip", "x-gzip" -> new GZIPInputStream(raw, 8192);
                default -> throw IngestException.badRequest("unsupported_encoding",
                        "Content-Encoding '" + contentEncoding + "' is not supported (use gzip or none)");
            };
            return readCapped(in);
        } catch (ZipException | java.io.EOFException e) {
            throw IngestException.badRequest("malformed_gzip", "malformed gzip content");
        } catch (IOException e) {
            if (!"identity".equals(encoding) && !encoding.isEmpty()) {
                throw IngestException.badRequest("malformed_gzip", "malformed gzip content");
            }
            throw IngestException.badRequest("unreadable_body", "request body could not be read: " + e.getMessage());
        }
    }

    private byte[] readCapped(InputStream in) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(maxDecodedBytes, 64 * 1024));
        byte[] buf = new byte[16 * 1024];
        int total = 0;
        int n;
        while ((n = in.read(buf)) != -1) {
            total += n;
            if (total > maxDecodedBytes) {
                throw IngestException.badRequest("payload_too_large",
                        "Exceed payload limit: request body is larger than " + maxDecodedBytes + " bytes");
            }
            out.write(buf, 0, n);
        }
        return out.toByteArray();
    }
}
