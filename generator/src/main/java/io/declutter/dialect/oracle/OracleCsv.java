package io.declutter.dialect.oracle;

import io.declutter.dialect.ErrorKind;
import io.declutter.dialect.RefusedException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;

/**
 * CSV as PostgreSQL's {@code COPY ... (FORMAT csv, HEADER)} writes it (docs/archive.md#format), written and read
 * streaming: fields separated by commas, records ended by a line feed, a field quoted with {@code "} (a quote inside
 * doubled) when it is empty or holds a comma, a quote or a line break, NULL an unquoted empty field. Two differences,
 * so that memory stays constant however large a LOB is: a CLOB value is always quoted (whether it needs it is known
 * only at its end), and a BLOB's hex text is written as it is read.
 */
final class OracleCsv {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private OracleCsv() {
    }

    /** A text field as COPY writes it: quoted only when needed. */
    static void field(Writer out, String value) throws IOException {
        if (value == null) {
            return;
        }
        if (value.isEmpty() || value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
                || value.indexOf('\r') >= 0) {
            out.write('"');
            out.write(value.replace("\"", "\"\""));
            out.write('"');
        } else {
            out.write(value);
        }
    }

    /** A character LOB, streamed from the database, always quoted. */
    static void clob(Writer out, Reader in) throws IOException {
        out.write('"');
        char[] buffer = new char[16 * 1024];
        int n;
        while ((n = in.read(buffer)) > 0) {
            int from = 0;
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '"') {
                    out.write(buffer, from, i + 1 - from);
                    out.write('"');
                    from = i + 1;
                }
            }
            out.write(buffer, from, n - from);
        }
        out.write('"');
    }

    /** Bytes as PostgreSQL's bytea hex output writes them: {@code \x} and two lower-case digits a byte. */
    static void hex(Writer out, InputStream in) throws IOException {
        out.write("\\x");
        byte[] buffer = new byte[16 * 1024];
        char[] text = new char[buffer.length * 2];
        int n;
        while ((n = in.read(buffer)) > 0) {
            for (int i = 0; i < n; i++) {
                text[2 * i] = HEX[(buffer[i] >> 4) & 0xf];
                text[2 * i + 1] = HEX[buffer[i] & 0xf];
            }
            out.write(text, 0, 2 * n);
        }
    }

    /** Where a field's characters go while it is read: a string, or a LOB being written. */
    interface Sink {
        void write(char c) throws IOException;
    }

    /**
     * Reads records field by field. {@link #next} says whether a field follows in the current record; the caller
     * gives each field a {@link Sink} and learns whether it was NULL.
     */
    static final class CsvReader {

        private final Reader in;
        private int pending = -2; // -2: nothing read ahead
        private boolean endOfRecord = true;
        private boolean endOfInput;
        private long records;

        CsvReader(Reader in) {
            this.in = in;
        }

        private int read() throws IOException {
            if (pending != -2) {
                int c = pending;
                pending = -2;
                return c;
            }
            return in.read();
        }

        /** Starts the next record: false at the end of the input. */
        boolean nextRecord() throws IOException {
            int c = read();
            if (c == -1) {
                endOfInput = true;
                return false;
            }
            pending = c;
            endOfRecord = false;
            records++;
            return true;
        }

        /** Whether the current record has another field. */
        boolean hasField() {
            return !endOfRecord;
        }

        long records() {
            return records;
        }

        /** Reads one field into {@code sink}; true when it was NULL (an unquoted empty field). */
        boolean field(Sink sink) throws IOException {
            if (endOfRecord) {
                throw bad("a record has fewer fields than the header");
            }
            int c = read();
            if (c == '"') {
                while (true) {
                    c = read();
                    if (c == -1) {
                        throw bad("a quoted field is not closed");
                    }
                    if (c == '"') {
                        int d = read();
                        if (d == '"') {
                            sink.write('"');
                            continue;
                        }
                        end(d);
                        return false;
                    }
                    sink.write((char) c);
                }
            }
            boolean empty = true;
            while (c != ',' && c != '\n' && c != -1) {
                if (c == '\r') {
                    int d = read();
                    if (d == '\n') {
                        c = d;
                        break;
                    }
                    pending = d;
                }
                sink.write((char) c);
                empty = false;
                c = read();
            }
            end(c);
            return empty;
        }

        private void end(int c) throws IOException {
            if (c == ',') {
                return;
            }
            if (c == '\r') {
                c = read();
            }
            if (c == '\n' || c == -1) {
                endOfRecord = true;
                return;
            }
            throw bad("a quoted field is followed by '" + (char) c + "', not by a comma or a line break");
        }

        /** The rest of the current record must be empty. */
        void endRecord() {
            if (!endOfRecord) {
                throw bad("a record has more fields than the header");
            }
        }

        boolean atEnd() {
            return endOfInput;
        }

        private RefusedException bad(String what) {
            return new RefusedException(ErrorKind.BAD_INPUT, "not the CSV declutter writes: " + what + " (record "
                    + records + ")");
        }
    }

    /** Hex text of {@link #hex} back to bytes, written to {@code out} as they come. */
    static final class HexSink implements Sink {
        private final OutputStream out;
        private int seen;
        private int high;

        HexSink(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(char c) throws IOException {
            seen++;
            if (seen <= 2) {
                if (c != (seen == 1 ? '\\' : 'x')) {
                    throw new RefusedException(ErrorKind.BAD_INPUT, "a binary value does not start with \\x");
                }
                return;
            }
            int v = Character.digit(c, 16);
            if (v < 0) {
                throw new RefusedException(ErrorKind.BAD_INPUT, "a binary value holds '" + c + "', not a hex digit");
            }
            if (seen % 2 == 1) {
                high = v;
            } else {
                out.write(high << 4 | v);
            }
        }

        void finish() {
            if (seen < 2 || seen % 2 != 0) {
                throw new RefusedException(ErrorKind.BAD_INPUT, "a binary value has an odd number of hex digits");
            }
        }
    }
}
