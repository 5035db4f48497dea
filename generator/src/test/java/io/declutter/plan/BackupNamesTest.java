package io.declutter.plan;

import io.declutter.model.TableName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.declutter.plan.TestJobs.t;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/** Backup table names: {@code bk_<job>_<table>}, schema added on clashes, shortened with a hash to fit. */
class BackupNamesTest {

    private static final int PG = 63;

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void shortNamesAreBkJobTable() {
        Map<TableName, String> names = BackupNames.assign("purge", List.of(t("users"), t("orders")), PG);

        assertThat(names).containsOnly(entry(t("users"), "bk_purge_users"), entry(t("orders"), "bk_purge_orders"));
    }

    @Test
    void nameOfExactlyTheLimitIsUnchanged() {
        String name = "bk_purge_" + "a".repeat(54);

        assertThat(bytes(name)).isEqualTo(63);
        assertThat(BackupNames.fit(name, PG)).isEqualTo(name);
    }

    @Test
    void nameOneByteOverTheLimitIsCutAndGetsAHashSuffix() {
        String name = "bk_purge_" + "a".repeat(55);

        String fitted = BackupNames.fit(name, PG);

        // 54 bytes of the name, '_', then the first 8 hex digits of SHA-256 of the whole name.
        assertThat(fitted).isEqualTo("bk_purge_" + "a".repeat(45) + "_3414538f");
        assertThat(bytes(fitted)).isEqualTo(63);
    }

    @Test
    void longNameIsShortenedDeterministically() {
        String name = "bk_purge_customer_subscription_invoice_line_item_adjustments_history";

        assertThat(BackupNames.fit(name, PG))
                .isEqualTo("bk_purge_customer_subscription_invoice_line_item_adjus_9e127313")
                .isEqualTo(BackupNames.fit(name, PG));
    }

    @Test
    void longNamesSharingTheirFirstSixtyCharactersGetDifferentNames() {
        String prefix = "bk_purge_" + "x".repeat(51);
        String one = prefix + "_orders";
        String two = prefix + "_invoices";

        String fittedOne = BackupNames.fit(one, PG);
        String fittedTwo = BackupNames.fit(two, PG);

        assertThat(fittedOne).isNotEqualTo(fittedTwo);
        assertThat(bytes(fittedOne)).isLessThanOrEqualTo(63);
        assertThat(bytes(fittedTwo)).isLessThanOrEqualTo(63);
        assertThat(fittedOne).matches("bk_purge_x{45}_[0-9a-f]{8}");
        assertThat(fittedTwo).matches("bk_purge_x{45}_[0-9a-f]{8}");
    }

    @Test
    void twoByteCharactersAreNeverCutInHalf() {
        String name = "bk_purge_" + "é".repeat(40);

        String fitted = BackupNames.fit(name, PG);

        // 9 + 22 * 2 = 53 bytes of prefix: a 23rd 'é' would make 55 > 54.
        assertThat(fitted).isEqualTo("bk_purge_" + "é".repeat(22) + "_d70ddba2");
        assertThat(bytes(fitted)).isEqualTo(62);
    }

    @Test
    void charactersOutsideTheBasicPlaneAreKeptWholeOrDropped() {
        String clef = new String(Character.toChars(0x1D11E)); // 4 bytes in UTF-8, a surrogate pair in Java
        String name = "bk_purge_" + "x".repeat(43) + clef.repeat(3);

        String fitted = BackupNames.fit(name, PG);

        assertThat(fitted).isEqualTo("bk_purge_" + "x".repeat(43) + "_9600e5b0");
        assertThat(bytes(fitted)).isEqualTo(61);
        assertThat(new String(fitted.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(fitted);
    }

    @Test
    void shortenedMultibyteNamesAreValidUtf8OfAtMostTheLimit() {
        for (String unit : List.of("ü", "€", "日", new String(Character.toChars(0x1F600)))) {
            for (int n = 1; n <= 40; n++) {
                String fitted = BackupNames.fit("bk_purge_" + unit.repeat(n) + "_tail", PG);

                assertThat(bytes(fitted)).as("%s x %d", unit, n).isLessThanOrEqualTo(63);
                assertThat(fitted.codePoints().allMatch(Character::isValidCodePoint)).isTrue();
                assertThat(fitted.chars().filter(c -> Character.isSurrogate((char) c)).count() % 2).isZero();
                assertThat(new String(fitted.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8))
                        .isEqualTo(fitted);
            }
        }
    }

    @Test
    void sameTableNameInTwoSchemasGetsSchemaQualifiedNames() {
        Map<TableName, String> names = BackupNames.assign("purge",
                List.of(t("app.users"), t("audit.users"), t("app.orders")), PG);

        assertThat(names).containsOnly(
                entry(t("app.users"), "bk_purge_app_users"),
                entry(t("audit.users"), "bk_purge_audit_users"),
                entry(t("app.orders"), "bk_purge_orders"));
    }

    @Test
    void longNamesInAssignAreShortenedToo() {
        TableName longTable = t("app." + "t".repeat(63));

        String name = BackupNames.assign("tenant_purge", List.of(longTable), PG).get(longTable);

        assertThat(bytes(name)).isEqualTo(63);
        assertThat(name).startsWith("bk_tenant_purge_ttt").matches(".*_[0-9a-f]{8}");
    }

    @Test
    void namesThatStillClashGetTheirQualifiedNameAndAHash() {
        // app.users and audit.users share a name, so they become bk_purge_app_users and bk_purge_audit_users;
        // app.app_users would be bk_purge_app_users too, and two tables must never share one backup table.
        List<TableName> tables = List.of(t("app.users"), t("audit.users"), t("app.app_users"));

        Map<TableName, String> names = BackupNames.assign("purge", tables, PG);

        assertThat(names).containsOnly(
                entry(t("app.users"), "bk_purge_app_users_07e63b4e"),
                entry(t("audit.users"), "bk_purge_audit_users"),
                entry(t("app.app_users"), "bk_purge_app_app_users_f3b6b36c"));
        assertThat(BackupNames.assign("purge", List.of(tables.get(2), tables.get(1), tables.get(0)), PG))
                .isEqualTo(names);
    }

    @Test
    void clashingLongNamesStayWithinTheLimitAndDistinct() {
        String longName = "x".repeat(50);
        List<TableName> tables = List.of(t("app." + longName), t("audit." + longName), t("app.app_" + longName));

        Map<TableName, String> names = BackupNames.assign("purge", tables, PG);

        assertThat(names.values()).doesNotHaveDuplicates()
                .allSatisfy(n -> assertThat(bytes(n)).isLessThanOrEqualTo(63));
    }
}
