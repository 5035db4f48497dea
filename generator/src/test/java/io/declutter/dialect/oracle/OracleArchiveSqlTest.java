package io.declutter.dialect.oracle;

import io.declutter.dialect.JobProcedures.BackupTable;
import io.declutter.dialect.JobProcedures.Column;
import io.declutter.dialect.RefusedException;
import io.declutter.dialect.Resources;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The SQL and the CSV with which a run's backup leaves an Oracle database and comes back (docs/archive.md#oracle):
 * the statements as text (golden strings), parsed by PMD's PL/SQL parser, and the CSV written and read back. Not
 * run on Oracle: no Oracle server here (OracleArchiveTest in the runner runs them where Docker is).
 */
class OracleArchiveSqlTest {

    private static final BackupTable DOCUMENTS = new BackupTable("APP.DOCUMENTS", "BK_TENANT_PURGE_DOCUMENTS", true,
            List.of(new Column("DECLUTTER_RUN", "NUMBER(19)"), new Column("DECLUTTER_SEQ", "NUMBER(19)"),
                    new Column("ID", "NUMBER(19)"), new Column("TITLE", "VARCHAR2(200 CHAR)"),
                    new Column("BODY", "CLOB"), new Column("CREATED_AT", "TIMESTAMP(6) WITH TIME ZONE"),
                    new Column("DUE", "DATE"), new Column("SEEN_AT", "TIMESTAMP(3)"),
                    new Column("LOCAL_AT", "TIMESTAMP(6) WITH LOCAL TIME ZONE"),
                    new Column("KEEP_FOR", "INTERVAL DAY(2) TO SECOND(6)"), new Column("HASH", "RAW(16)"),
                    new Column("SCAN", "BLOB"), new Column("RATIO", "BINARY_DOUBLE")));

    /** A record table of values SET NULL resets: no DECLUTTER_SEQ. */
    private static final BackupTable RESETS = new BackupTable("APP.INVOICES", "NX_TENANT_PURGE_INVOICES", false,
            List.of(new Column("DECLUTTER_RUN", "NUMBER(19)"), new Column("ID", "NUMBER(19)"),
                    new Column("ACCOUNT_ID", "NUMBER(19)")));

    @Test
    void exportFormatsDatesAndTimestampsWithExplicitMasks() {
        assertThat(OracleArchiveSql.export("DECLUTTER", DOCUMENTS, List.of(), false)).isEqualTo("SELECT"
                + " \"DECLUTTER_RUN\", \"DECLUTTER_SEQ\", \"ID\", \"TITLE\", \"BODY\","
                + " TO_CHAR(SYS_EXTRACT_UTC(\"CREATED_AT\"), 'YYYY-MM-DD HH24:MI:SS.FF6') || ' +00:00',"
                + " TO_CHAR(\"DUE\", 'YYYY-MM-DD HH24:MI:SS'), TO_CHAR(\"SEEN_AT\", 'YYYY-MM-DD HH24:MI:SS.FF3'),"
                + " TO_CHAR(SYS_EXTRACT_UTC(CAST(\"LOCAL_AT\" AS TIMESTAMP WITH TIME ZONE)), 'YYYY-MM-DD"
                + " HH24:MI:SS.FF6') || ' +00:00', TO_CHAR(\"KEEP_FOR\"), \"HASH\", \"SCAN\", \"RATIO\""
                + " FROM DECLUTTER.\"BK_TENANT_PURGE_DOCUMENTS\" WHERE \"DECLUTTER_RUN\" = ? ORDER BY \"DECLUTTER_SEQ\"");
        assertThat(OracleArchiveSql.export("DECLUTTER", DOCUMENTS, List.of(), true))
                .endsWith(" WHERE \"DECLUTTER_RUN\" = ? AND \"DECLUTTER_SEQ\" > ? AND \"DECLUTTER_SEQ\" <= ?"
                        + " ORDER BY \"DECLUTTER_SEQ\"");
    }

    @Test
    void aTableWithoutSequenceNumbersIsOrderedByItsKey() {
        List<String> key = List.of("DECLUTTER_RUN", "ID");
        assertThat(OracleArchiveSql.sequenced(RESETS)).isFalse();
        assertThat(OracleArchiveSql.export("DECLUTTER", RESETS, key, false)).isEqualTo("SELECT \"DECLUTTER_RUN\","
                + " \"ID\", \"ACCOUNT_ID\" FROM DECLUTTER.\"NX_TENANT_PURGE_INVOICES\" WHERE \"DECLUTTER_RUN\" = ?"
                + " ORDER BY \"DECLUTTER_RUN\", \"ID\"");
        assertThat(OracleArchiveSql.export("DECLUTTER", RESETS, key, true)).isEqualTo("SELECT \"DECLUTTER_RUN\","
                + " \"ID\", \"ACCOUNT_ID\" FROM (SELECT b.*, ROW_NUMBER() OVER (ORDER BY \"DECLUTTER_RUN\", \"ID\") AS"
                + " declutter_rank FROM DECLUTTER.\"NX_TENANT_PURGE_INVOICES\" b WHERE \"DECLUTTER_RUN\" = ?) WHERE"
                + " declutter_rank > ? AND declutter_rank <= ? ORDER BY declutter_rank");
    }

    @Test
    void importMergesEachRowUnlessItsKeyIsThere() {
        String merge = OracleArchiveSql.merge("DECLUTTER", DOCUMENTS, List.of("DECLUTTER_RUN", "ID"));
        assertThat(merge).isEqualTo("MERGE INTO DECLUTTER.\"BK_TENANT_PURGE_DOCUMENTS\" t USING (SELECT ? AS c1,"
                + " ? AS c2, ? AS c3, ? AS c4, ? AS c5, TO_TIMESTAMP_TZ(?, 'YYYY-MM-DD HH24:MI:SS.FF6 TZH:TZM') AS c6,"
                + " TO_DATE(?, 'YYYY-MM-DD HH24:MI:SS') AS c7, TO_TIMESTAMP(?, 'YYYY-MM-DD HH24:MI:SS.FF3') AS c8,"
                + " CAST(TO_TIMESTAMP_TZ(?, 'YYYY-MM-DD HH24:MI:SS.FF6 TZH:TZM') AS TIMESTAMP WITH LOCAL TIME ZONE) AS c9,"
                + " TO_DSINTERVAL(?) AS c10, ? AS c11, ? AS c12, ? AS c13 FROM dual) s ON (t.\"DECLUTTER_RUN\" = s.c1"
                + " AND t.\"ID\" = s.c3) WHEN NOT MATCHED THEN INSERT (\"DECLUTTER_RUN\", \"DECLUTTER_SEQ\", \"ID\","
                + " \"TITLE\", \"BODY\", \"CREATED_AT\", \"DUE\", \"SEEN_AT\", \"LOCAL_AT\", \"KEEP_FOR\", \"HASH\","
                + " \"SCAN\", \"RATIO\") VALUES (s.c1, s.c2, s.c3, s.c4, s.c5, s.c6, s.c7, s.c8, s.c9, s.c10, s.c11,"
                + " s.c12, s.c13)");
        assertThatThrownBy(() -> OracleArchiveSql.merge("DECLUTTER", RESETS, List.of("DECLUTTER_RUN", "TENANT_ID")))
                .isInstanceOf(RefusedException.class).hasMessageContaining("no column TENANT_ID");
    }

    @Test
    void everyStatementParses() throws Exception {
        List<String> statements = new ArrayList<>(List.of(
                OracleArchiveSql.export("DECLUTTER", DOCUMENTS, List.of(), true),
                OracleArchiveSql.export("DECLUTTER", RESETS, List.of("DECLUTTER_RUN", "ID"), true),
                OracleArchiveSql.merge("DECLUTTER", DOCUMENTS, List.of("DECLUTTER_RUN", "ID")),
                OracleArchiveSql.merge("DECLUTTER", RESETS, List.of("DECLUTTER_RUN", "ID")),
                Resources.text(OracleJobProcedures.class, "archive/backup_tables.sql").formatted("DECLUTTER"),
                Resources.text(OracleJobProcedures.class, "archive/erasure_facts.sql").formatted("DECLUTTER")));
        try (PlsqlParser parser = new PlsqlParser()) {
            for (int i = 0; i < statements.size(); i++) {
                // PMD parses named binds; JDBC's ? are the same bind positions
                String sql = statements.get(i).replace("?", ":p");
                assertThat(parser.error("statement " + i, sql.strip() + ";\n")).as(statements.get(i)).isEmpty();
            }
        }
    }

    @Test
    void typesDeclutterCannotWriteAsTextAreRefusedByName() {
        BackupTable xml = new BackupTable("APP.T", "BK_T", true, List.of(new Column("DOC", "XMLTYPE")));
        assertThatThrownBy(() -> OracleArchiveSql.export("DECLUTTER", xml, List.of(), false))
                .isInstanceOf(RefusedException.class).hasMessageContaining("column DOC of type XMLTYPE")
                .hasMessageContaining("docs/archive.md#oracle");
    }

    @Test
    void csvIsWrittenAsCopyWritesItAndReadBack() throws Exception {
        StringWriter out = new StringWriter();
        OracleCsv.field(out, "plain");
        out.write(',');
        OracleCsv.field(out, null);
        out.write(',');
        OracleCsv.field(out, "a, \"quoted\"\nline");
        out.write(',');
        OracleCsv.clob(out, new StringReader("x\"y"));
        out.write(',');
        OracleCsv.clob(out, new StringReader(""));
        out.write(',');
        OracleCsv.hex(out, new ByteArrayInputStream(new byte[] {0x0a, (byte) 0xff}));
        out.write('\n');
        assertThat(out.toString()).isEqualTo("plain,,\"a, \"\"quoted\"\"\nline\",\"x\"\"y\",\"\",\\x0aff\n");

        OracleCsv.CsvReader in = new OracleCsv.CsvReader(new StringReader(out.toString()));
        assertThat(in.nextRecord()).isTrue();
        List<String> values = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            StringBuilder b = new StringBuilder();
            values.add(in.field(b::append) ? null : b.toString());
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OracleCsv.HexSink hex = new OracleCsv.HexSink(bytes);
        assertThat(in.field(hex)).isFalse();
        hex.finish();
        in.endRecord();
        assertThat(values).containsExactly("plain", null, "a, \"quoted\"\nline", "x\"y", "");
        assertThat(bytes.toByteArray()).containsExactly(0x0a, 0xff);
        assertThat(in.nextRecord()).isFalse();
    }

    @Test
    void csvThatIsNotOursIsRefused() throws Exception {
        OracleCsv.CsvReader in = new OracleCsv.CsvReader(new StringReader("a,b\n"));
        in.nextRecord();
        in.field(c -> { });
        assertThatThrownBy(in::endRecord).isInstanceOf(RefusedException.class).hasMessageContaining("more fields");
        OracleCsv.CsvReader open = new OracleCsv.CsvReader(new StringReader("\"abc"));
        open.nextRecord();
        assertThatThrownBy(() -> open.field(c -> { })).hasMessageContaining("not closed");
        OracleCsv.HexSink hex = new OracleCsv.HexSink(new ByteArrayOutputStream());
        assertThatThrownBy(() -> hex.write('0')).hasMessageContaining("\\x");
    }
}
