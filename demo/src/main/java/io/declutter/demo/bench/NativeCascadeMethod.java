package io.declutter.demo.bench;

import io.declutter.model.ForeignKey;
import io.declutter.model.OnDelete;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Native ON DELETE CASCADE: on its copy, every NO ACTION / RESTRICT foreign key of the schema is re-created as ON
 * DELETE CASCADE (SET NULL ones stay SET NULL; created NOT VALID, which changes nothing on delete and skips
 * re-checking data known to be valid), then one {@code DELETE FROM tenants WHERE id = ?} per closed tenant, each
 * its own transaction.
 */
final class NativeCascadeMethod implements PurgeMethod {

    @Override
    public String title() {
        return "native ON DELETE CASCADE";
    }

    @Override
    public String description() {
        return "a copy of the schema whose FKs are ON DELETE CASCADE (SET NULL ones kept), one"
                + " `DELETE FROM tenants WHERE id = ?` per tenant, each its own transaction";
    }

    @Override
    public String prepare(BenchDatabase db, Purge purge) throws Exception {
        int changed = 0;
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            List<String> ddl = new ArrayList<>();
            for (ForeignKey fk : Closure.read(c).foreignKeys()) {
                if (fk.onDelete() == OnDelete.NO_ACTION || fk.onDelete() == OnDelete.RESTRICT) {
                    ddl.add("ALTER TABLE " + Closure.q(fk.child()) + " DROP CONSTRAINT " + Closure.ident(fk.name())
                            + ", ADD CONSTRAINT " + Closure.ident(fk.name()) + " FOREIGN KEY ("
                            + String.join(", ", fk.childColumns().stream().map(Closure::ident).toList()) + ") REFERENCES "
                            + Closure.q(fk.parent()) + " (" + String.join(", ",
                            fk.parentColumns().stream().map(Closure::ident).toList()) + ") ON DELETE CASCADE NOT VALID");
                }
            }
            for (String s : ddl) {
                st.execute(s);
                changed++;
            }
        }
        return changed + " foreign keys re-created ON DELETE CASCADE";
    }

    @Override
    public Outcome run(BenchDatabase db, Purge purge) throws Exception {
        Duration longest = Duration.ZERO;
        try (Connection c = db.connect();
             PreparedStatement ps = c.prepareStatement("DELETE FROM " + Purge.ROOT + " WHERE id = ?")) {
            for (long tenant : purge.tenants()) {
                long t0 = System.nanoTime();
                ps.setLong(1, tenant);
                ps.executeUpdate();
                Duration d = Duration.ofNanos(System.nanoTime() - t0);
                longest = d.compareTo(longest) > 0 ? d : longest;
            }
        }
        return new Outcome(true, -1, longest, 0, null);
    }
}
