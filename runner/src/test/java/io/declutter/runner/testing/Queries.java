package io.declutter.runner.testing;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** Small reads for assertions on test databases. */
public final class Queries {

    private Queries() {
    }

    /** The first column of {@code sql}'s rows as text, ordered by it ({@code sql} must not end in ORDER BY). */
    public static List<String> ids(Connection c, String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql + " order by 1")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
