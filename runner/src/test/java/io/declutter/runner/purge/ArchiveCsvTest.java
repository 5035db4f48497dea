package io.declutter.runner.purge;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** Counting the records of PostgreSQL's CSV, which {@code archive --verify} checks against the manifest. */
class ArchiveCsvTest {

    private static long records(String csv) throws Exception {
        return Archive.countRecords(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void lineBreaksInsideQuotesDoNotEndARecord() throws Exception {
        assertThat(records("a,b\n1,x\n")).isEqualTo(2);
        assertThat(records("a,b\n1,\"two\nlines\"\n2,\"a \"\"quoted\"\"\r\nvalue\"\n")).isEqualTo(3);
        assertThat(records("a,b\n1,\",\"\n")).isEqualTo(2);
        assertThat(records("a,b")).as("no final line break").isEqualTo(1);
        assertThat(records("")).isZero();
    }
}
