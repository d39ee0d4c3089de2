package dev.agentmesh.store;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Reads nullable numeric columns (the SQLite driver refuses {@code getObject(col, Long.class)} on NULL). */
public final class Rows {
    private Rows() {
    }

    public static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    public static Integer nullableInt(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? null : v;
    }
}
