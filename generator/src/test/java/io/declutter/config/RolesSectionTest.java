package io.declutter.config;

import io.declutter.model.DatabaseRoles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The job file's {@code roles} section (docs/roles.md): defaults, named roles, and names refused. */
class RolesSectionTest {

    private static final String MINIMAL = """
            job: tenant_purge
            root:
              table: app.tenants
              keys: runtime
            """;

    @Test
    void withoutTheSectionEveryRoleHasItsDefaultName() {
        DatabaseRoles roles = JobFileReader.parse("t.yaml", MINIMAL).roles();
        assertThat(roles).isEqualTo(DatabaseRoles.DEFAULT);
        assertThat(roles.owner()).isEqualTo("declutter_owner");
        assertThat(roles.operator()).isEqualTo("declutter_operator");
        assertThat(roles.viewer()).isEqualTo("declutter_viewer");
        assertThat(roles.restorer()).isEqualTo("declutter_restorer");
        assertThat(roles.named()).isEmpty();
    }

    @Test
    void rolesGivenAreNamedAndTheOthersKeepTheirDefaults() {
        DatabaseRoles roles = JobFileReader.parse("t.yaml", MINIMAL + """
                roles:
                  owner: app_owner
                  operator: app_ops
                """).roles();
        assertThat(roles.owner()).isEqualTo("app_owner");
        assertThat(roles.operator()).isEqualTo("app_ops");
        assertThat(roles.viewer()).isEqualTo("declutter_viewer");
        assertThat(roles.restorer()).isEqualTo("declutter_restorer");
        assertThat(roles.named()).isEqualTo(Set.of("app_owner", "app_ops"));
        assertThat(roles.isNamed("app_ops")).isTrue();
        assertThat(roles.isNamed("declutter_viewer")).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"owner: App_Owner", "operator: \"ops; DROP ROLE x\"", "viewer: 1viewer", "restorer: pg_read",
        "owner: public", "viewer: \"\"", "owner: a_role_name_that_is_longer_than_30_chars"})
    void aNameThatIsNotAPlainRoleNameIsRefused(String line) {
        assertThatThrownBy(() -> JobFileReader.parse("t.yaml", MINIMAL + "roles:\n  " + line + "\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("t.yaml: roles.");
    }

    @Test
    void oneRoleForTwoDutiesIsRefused() {
        assertThatThrownBy(() -> JobFileReader.parse("t.yaml", MINIMAL + """
                roles:
                  operator: app_ops
                  restorer: app_ops
                """)).isInstanceOf(ConfigException.class).hasMessageContaining("app_ops is given for two duties");
    }

    @Test
    void anUnknownDutyIsRefused() {
        assertThatThrownBy(() -> JobFileReader.parse("t.yaml", MINIMAL + "roles:\n  admin: app_admin\n"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown setting 'roles.admin'");
    }
}
