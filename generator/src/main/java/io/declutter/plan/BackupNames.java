package io.declutter.plan;

import io.declutter.model.TableName;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;

/**
 * Names of backup tables: {@code bk_<job>_<table>}, with the schema added when two closure tables share a
 * name, and shortened deterministically (prefix + hash of the full name) when longer than the database allows.
 */
public final class BackupNames {

    private static final int HASH_CHARS = 8;

    private BackupNames() {
    }

    public static Map<TableName, String> assign(String job, Collection<TableName> tables, int maxBytes) {
        Map<String, Long> sameName = new HashMap<>();
        tables.forEach(t -> sameName.merge(t.name(), 1L, Long::sum));
        Map<TableName, String> names = new HashMap<>();
        for (TableName t : tables) {
            String base = sameName.get(t.name()) > 1 ? t.schema() + "_" + t.name() : t.name();
            names.put(t, fit("bk_" + job + "_" + base, maxBytes));
        }
        // Joining with '_' can still give two tables one name (app.users and audit.users become
        // bk_<job>_app_users and bk_<job>_audit_users, and a table app_users becomes bk_<job>_app_users):
        // each table of such a clash gets its qualified name plus a hash that tells the tables apart.
        Map<String, Long> uses = new HashMap<>();
        names.values().forEach(n -> uses.merge(n, 1L, Long::sum));
        for (TableName t : tables) {
            if (uses.get(names.get(t)) > 1) {
                names.put(t, withHash("bk_" + job + "_" + t.schema() + "_" + t.name(),
                        t.schema() + '\0' + t.name(), maxBytes));
            }
        }
        return names;
    }

    /**
     * Names of the backup tables' indexes: {@code <backup>_seq}, fitted to the limit, unless that is the name of
     * another backup table of the job (a table {@code t} next to a table {@code t_seq}) or of another index: then
     * a hash of the backup table's name tells it apart. Every relation a job creates gets a name of its own (a
     * clash would make {@code CREATE ... IF NOT EXISTS} skip the second relation silently).
     */
    public static Map<TableName, String> indexNames(Map<TableName, String> backupNames, int maxBytes) {
        java.util.Set<String> taken = new java.util.HashSet<>(backupNames.values());
        Map<TableName, String> names = new java.util.TreeMap<>();
        for (Map.Entry<TableName, String> e : new java.util.TreeMap<>(backupNames).entrySet()) {
            String name = fit(e.getValue() + "_seq", maxBytes);
            if (taken.contains(name)) {
                name = withHash(e.getValue() + "_seq", e.getValue() + '\0' + "index", maxBytes);
            }
            taken.add(name);
            names.put(e.getKey(), name);
        }
        return names;
    }

    /** Returns the name unchanged when it fits, else a prefix of it plus {@code _} and a hash of the whole. */
    public static String fit(String name, int maxBytes) {
        if (bytes(name) <= maxBytes) {
            return name;
        }
        return withHash(name, name, maxBytes);
    }

    /** As much of {@code name} as fits (whole code points) before {@code _} and a hash of {@code key}. */
    private static String withHash(String name, String key, int maxBytes) {
        String suffix = "_" + sha256(key).substring(0, HASH_CHARS);
        StringBuilder prefix = new StringBuilder();
        int budget = maxBytes - suffix.length();
        for (int i = 0; i < name.length(); ) {
            int cp = name.codePointAt(i);
            if (bytes(prefix + Character.toString(cp)) > budget) {
                break;
            }
            prefix.appendCodePoint(cp);
            i += Character.charCount(cp);
        }
        return prefix + suffix;
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java runtime", e);
        }
    }
}
