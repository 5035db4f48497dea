package io.declutter.runner.testing;

import io.declutter.localdb.ScratchDatabase;
import io.declutter.runner.db.SqlScripts;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Fresh databases for tests that each need their own schema: register it with
 * {@code @RegisterExtension final FreshDatabases databases = new FreshDatabases("prefix")}, call
 * {@link #load(String)} in the test, and every database it made is dropped after that test.
 */
public final class FreshDatabases implements AfterEachCallback {

    private final String prefix;
    private final List<ScratchDatabase> made = new ArrayList<>();

    public FreshDatabases(String prefix) {
        this.prefix = prefix;
    }

    /** A new database on the test server with {@code sql} (a script of several statements) run in it. */
    public ScratchDatabase load(String sql) throws SQLException {
        ScratchDatabase db = TestDatabase.fresh(prefix);
        made.add(db);
        try (Connection c = db.connect()) {
            SqlScripts.run(c, sql);
        }
        return db;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception first = null;
        for (ScratchDatabase db : made) {
            try {
                db.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        made.clear();
        if (first != null) {
            throw first;
        }
    }
}
