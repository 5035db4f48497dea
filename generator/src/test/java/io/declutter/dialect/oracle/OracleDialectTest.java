package io.declutter.dialect.oracle;

import io.declutter.dialect.Dialects;
import io.declutter.dialect.GeneratedFile;
import io.declutter.model.InvalidJobException;
import io.declutter.model.Window;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OracleDialectTest {

    private final OracleDialect dialect = OracleDialect.latest();

    @Test
    void upperCaseNamesAreBareAndEveryOtherNameIsQuotedWithItsCase() {
        assertThat(dialect.quote("TENANTS")).isEqualTo("TENANTS");
        assertThat(dialect.quote("A$B#1")).isEqualTo("A$B#1");
        assertThat(dialect.quote("tenants")).isEqualTo("\"tenants\"");
        assertThat(dialect.quote("order notes")).isEqualTo("\"order notes\"");
        assertThat(dialect.quote("GROUP")).isEqualTo("\"GROUP\"");
        assertThat(dialect.quote("LEVEL")).isEqualTo("\"LEVEL\"");
        assertThat(dialect.quote("_X")).isEqualTo("\"_X\"");
        assertThat(dialect.quote("Überweisungen")).isEqualTo("\"Überweisungen\"");
        assertThatThrownBy(() -> dialect.quote("a\"b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theTargetVersionSetsTheNameLimit() {
        assertThat(OracleDialect.latest().maxIdentifierBytes()).isEqualTo(128);
        assertThat(OracleDialect.forVersion("12.2").maxIdentifierBytes()).isEqualTo(128);
        assertThat(OracleDialect.forVersion("12.1").maxIdentifierBytes()).isEqualTo(30);
        assertThat(Dialects.forName("oracle:12.1").maxIdentifierBytes()).isEqualTo(30);
        assertThat(Dialects.forName("oracle").name()).isEqualTo("oracle");
        assertThat(Dialects.forJdbcUrl("jdbc:oracle:thin:@//db:1521/FREEPDB1")).isInstanceOf(OracleDialect.class);
        assertThatThrownBy(() -> OracleDialect.forVersion("11.2")).hasMessageContaining("12.1 or later");
        assertThat(dialect.frameworkSchema()).isEqualTo("DECLUTTER");
    }

    @Test
    void everyGeneratedNameFitsTheTargetVersion() {
        for (OracleScenarios.Scenario s : OracleScenarios.all()) {
            int max = s.dialect().maxIdentifierBytes();
            for (GeneratedFile f : s.generate()) {
                for (String name : f.content().split("[^A-Za-z0-9_$#\"\\u00C0-\\uFFFF]+")) {
                    String bare = name.replace("\"", "");
                    if (bare.startsWith("BK_") || bare.endsWith("_NIGHTLY")) {
                        assertThat(bare.getBytes(StandardCharsets.UTF_8).length).as("%s in %s (%s)", bare, f.path(), s)
                                .isLessThanOrEqualTo(max);
                    }
                }
            }
        }
    }

    @Test
    void backupTableNamesAreUpperCaseAndShortenedWithAHashFor12dot1() {
        OracleScenarios.Scenario v121 = OracleScenarios.all().stream()
                .filter(s -> s.name().startsWith("hard 12.1")).findFirst().orElseThrow();
        List<String> names = v121.plan().tables().stream().map(t -> t.backupTable()).toList();
        assertThat(names).allSatisfy(n -> assertThat(n.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(30));
        assertThat(names).contains("BK_HARD_PURGE_WITH_A_LONG_JOB_NAM_ACCOUNTS".length() > 30
                ? names.stream().filter(n -> n.startsWith("BK_HARD_PURGE_WITH_A_")).findFirst().orElseThrow() : "");
        assertThat(names).doesNotHaveDuplicates();
    }

    @Test
    void theDialectFoundByNameHandsPlansToTheOracleGenerator() {
        OracleScenarios.Scenario demo = OracleScenarios.all().get(0);
        var found = Dialects.forName("oracle");
        List<GeneratedFile> viaShared = new java.util.ArrayList<>(found.generate(demo.plan(), Window.ALWAYS));
        assertThat(viaShared).extracting(GeneratedFile::path).contains("tenant_purge/package_body.sql", "changelog.xml");
        viaShared.add(found.roles(demo.plan(), io.declutter.model.DatabaseRoles.DEFAULT)); // as generate writes it
        assertThat(viaShared).isEqualTo(demo.generate());
    }

    @Test
    void aJobNamedLikeAFrameworkObjectIsRefused() {
        OracleScenarios.Scenario demo = OracleScenarios.all().get(0);
        var job = OracleScenarios.job("progress", "app.tenants", "1 = 1", true, List.of());
        var catalog = demo.readCatalog();
        var plan = dialect.plan(catalog, job);
        assertThatThrownBy(() -> new OracleGenerator(dialect).generate(plan)).isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("Rename the job");
    }
}
