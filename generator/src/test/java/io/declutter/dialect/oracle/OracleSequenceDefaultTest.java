package io.declutter.dialect.oracle;

import io.declutter.dialect.GeneratedFile;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sequences behind column defaults ({@code DEFAULT seq.NEXTVAL}, Oracle 12c+) on rollback: rows go back with their
 * old values, so SYNC_SEQUENCES moves each such sequence past the column's maximum (RESTART START WITH from 18c, the
 * INCREMENT BY trick on 12.1), after every row and value is back; grants.sql grants SELECT and ALTER on the sequences
 * it finds. The columns are found from ALL_TAB_COLUMNS.DATA_DEFAULT when rollback (or grants.sql) runs.
 */
class OracleSequenceDefaultTest {

    private static OracleScenarios.Scenario scenario(String name) {
        return OracleScenarios.all().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static String file(List<GeneratedFile> files, String path) {
        return files.stream().filter(f -> f.path().equals(path)).findFirst().orElseThrow().content();
    }

    /** The pattern as Oracle's REGEXP_LIKE(..., 'i') reads it; Java's reading is the same for this one. */
    private static Matcher match(String dataDefault) {
        OracleJobView view = new OracleJobView("p", "p", "DECLUTTER", "19.0", true, 5, "", "", List.of(),
                java.util.Map.of(), java.util.Map.of(), java.util.Set.of(), List.of(), "", "", "", "", "", 0, "", "", "", "", List.of(), List.of());
        return Pattern.compile(view.sequenceDefaultPattern(), Pattern.CASE_INSENSITIVE).matcher(dataDefault);
    }

    @Test
    void aDefaultThatIsASequencesNextValueIsRecognizedWithItsOwnerAndName() {
        Matcher m = match("\"HARD\".\"ORDER_SEQ\".\"NEXTVAL\"");
        assertThat(m.matches()).isTrue();
        assertThat(m.group(2)).isEqualTo("\"HARD\"");
        assertThat(m.group(3)).isEqualTo("\"ORDER_SEQ\"");
        m = match("order_seq.nextval  \n");
        assertThat(m.matches()).isTrue();
        assertThat(m.group(2)).isNull();
        assertThat(m.group(3)).isEqualTo("order_seq");
        m = match("\"app\".\"Seq.With.Dots\".nextval");
        assertThat(m.matches()).isTrue();
        assertThat(m.group(3)).isEqualTo("\"Seq.With.Dots\"");
        // an expression around NEXTVAL, or another default, is not taken for a sequence default
        assertThat(match("NVL(NULL, order_seq.nextval)").matches()).isFalse();
        assertThat(match("SYSTIMESTAMP").matches()).isFalse();
        assertThat(match("'x.nextval'").matches()).isFalse();
    }

    @Test
    void rollbackMovesTheSequencesOfEveryRestoredTableOnceEverythingIsBack() {
        String body = file(scenario("hard 19c").generate(), "hard_purge/package_body.sql");
        String rollback = body.substring(body.indexOf("PROCEDURE rollback_run"), body.indexOf("END rollback_run;"));
        assertThat(rollback).contains("DECLUTTER.SYNC_SEQUENCES('HARD', 'ACCOUNTS');",
                "DECLUTTER.SYNC_SEQUENCES('HARD', 'FOLDERS');", "DECLUTTER.SYNC_SEQUENCES('HARD', 'order notes');");
        int firstSync = rollback.indexOf("DECLUTTER.SYNC_SEQUENCES(");
        assertThat(firstSync).isGreaterThan(rollback.lastIndexOf("MERGE INTO"));
        assertThat(firstSync).isLessThan(rollback.indexOf("FINISH_RUN(p_run, 'rolled back')"));
        long calls = rollback.lines().filter(l -> l.contains("DECLUTTER.SYNC_SEQUENCES(")).count();
        assertThat(calls).isEqualTo(rollback.lines().filter(l -> l.strip().startsWith("INSERT INTO HARD.")).count());
    }

    @Test
    void theSequenceIsRestartedFrom18cAndMovedByItsIncrementOn12_1() {
        String v19 = file(scenario("hard 19c").generate(), "framework/sequence.sql");
        assertThat(v19).contains("CREATE OR REPLACE PROCEDURE DECLUTTER.SYNC_SEQUENCES(", "identity_column = 'NO'",
                "v_default := c.data_default;", "' RESTART START WITH ' || TO_CHAR(v_target)",
                "IF v_step > 0 AND v_next <= v_max THEN", "ELSIF v_step < 0 AND v_next >= v_min THEN",
                "' BETWEEN :lo AND :hi'", "IF v_target BETWEEN v_min_value AND v_max_value THEN",
                "WHEN e_exhausted THEN").doesNotContain("INCREMENT BY");
        String v121 = file(scenario("hard 12.1 (30-byte names)").generate(), "framework/sequence.sql");
        assertThat(v121).contains("' INCREMENT BY ' || TO_CHAR(v_target - v_next)",
                "' INCREMENT BY ' || TO_CHAR(v_step)").doesNotContain("RESTART START WITH");
    }

    @Test
    void grantsCoverTheSequencesFoundBehindDefaultsOnlyWhenThereIsARollback() {
        String grants = file(scenario("hard 19c").generate(), "hard_purge/grants.sql");
        assertThat(grants).contains("'GRANT SELECT, ALTER ON '", "('HARD', 'ACCOUNTS')", "('HARD', 'FOLDERS')",
                "identity_column = 'NO'");
        String noBackup = file(scenario("demo, keys at run time, no backup").generate(), "tenant_keys/grants.sql");
        assertThat(noBackup).doesNotContain("SYNC_SEQUENCES", "GRANT SELECT, ALTER ON '");
    }
}
